import { readdir } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "vitest";
import { expectError } from "../support/db-state";

// A method a route does not serve is bad input like any other: a 405 in the one error shape
// with an Allow header, never Next's bodiless 405. Every route file under app/api exports every
// method (lib/api/handler.ts's otherMethods answers those it does not serve) and an OPTIONS
// that lists exactly the ones it serves. The real server's answer is checked in
// tests/e2e/home.spec.ts.

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function routeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? routeFiles(path.join(dir, e.name)) : Promise.resolve([]))),
  );
  return [...entries.filter((e) => e.name === "route.ts").map((e) => path.join(dir, e.name)), ...nested.flat()];
}

test("every API route file answers every method: the ones it does not serve with a 405 in the error shape", async () => {
  const root = path.resolve("app/api");
  const files = (await routeFiles(root)).filter((f) => !f.includes("[...path]"));
  expect(files.length).toBeGreaterThan(40);
  let refused = 0;
  for (const file of files) {
    const name = path.relative(root, file);
    const mod = (await import(file)) as Partial<Record<(typeof METHODS)[number] | "OPTIONS", Handler>>;
    for (const method of METHODS) expect(typeof mod[method], `${name} ${method}`).toBe("function");
    expect(typeof mod.OPTIONS, `${name} OPTIONS`).toBe("function");
    // The unserved methods and OPTIONS share one answer; the served ones are the route's own.
    const served = METHODS.filter((m) => mod[m] !== mod.OPTIONS);
    expect(served.length, name).toBeGreaterThan(0);
    const url = `http://localhost:3000/api/${name.replace(/\/?route\.ts$/, "")}`;
    const context = { params: Promise.resolve({}) };

    const options = await (mod.OPTIONS as Handler)(new Request(url, { method: "OPTIONS" }), context);
    const allow = [...served, ...(served.includes("GET") ? ["HEAD"] : []), "OPTIONS"].sort().join(", ");
    expect(options.status, name).toBe(204);
    expect(options.headers.get("allow"), name).toBe(allow);

    for (const method of METHODS.filter((m) => !served.includes(m))) {
      const response = await (mod[method] as Handler)(new Request(url, { method }), context);
      const body = await response.json();
      const error = expectError(
        { status: response.status, body, headers: response.headers },
        405,
        "method_not_allowed",
      );
      expect(error.message, `${name} ${method}`).toContain(`${method} is not allowed`);
      expect(error.details).toEqual({ allowed: allow.split(", ") });
      expect(response.headers.get("allow"), `${name} ${method}`).toBe(allow);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      refused++;
    }
  }
  expect(refused).toBeGreaterThan(100);
});

test("a 405 answers a foreign host like every route: 421 first", async () => {
  const mod = await import("@/app/api/tables/[tableId]/enrich/route");
  const response = await mod.DELETE(
    new Request("http://evil.example/api/tables/x/enrich", { method: "DELETE", headers: { host: "evil.example" } }),
  );
  expectError(
    { status: response.status, body: await response.json(), headers: response.headers },
    421,
    "misdirected_request",
  );
});
