// Views at scale: p50/p95 of a filtered, sorted 200-row window for each operator, search, and
// creating a job from a rowFilter that selects 50,000 rows, on a table of VIEWS_BENCH_ROWS
// rows (100,000 by default) created through the API, and a 10,000-row insert. Search goes
// through row_search's trigram index (migration row_search); text conditions compare each row.
// BENCH_VIEWS_PLANS=1 also prints EXPLAIN (ANALYZE, BUFFERS) of the statements the app runs
// (lib/views/row-window.ts).
import pg from "pg";
import { getDb } from "../lib/db";
import { createEnrichmentJob } from "../lib/enrichment/create-job";
import type { FilterNode } from "../lib/views/filter-schema";
import { filterWithSearch } from "../lib/views/filter-schema";
import { resolveFilter, resolveSort, type ViewColumn } from "../lib/views/resolve";
import { windowStatement } from "../lib/views/row-window";
import type { Stack } from "../scripts/stack";
import { type Api, client, fmt, summarize, waitForJob } from "./support";

const ROWS = Number(process.env.VIEWS_BENCH_ROWS ?? 100_000);
const SAMPLES = Number(process.env.VIEWS_BENCH_SAMPLES ?? 30);
const WINDOW = 200;

const COLUMNS = [
  { key: "name", label: "Name" },
  { key: "email", label: "Email", dataType: "email" },
  { key: "company", label: "Company" },
  { key: "domain", label: "Domain", dataType: "url" },
  { key: "title", label: "Title" },
  { key: "employees", label: "Employees", dataType: "number" },
  { key: "founded", label: "Founded", dataType: "date" },
  { key: "active", label: "Active", dataType: "boolean" },
  { key: "phone", label: "Phone" },
];

const pick = <T>(list: T[], n: number) => list[n % list.length];

/** Row n: half without email, a tenth without domain, some employee counts as text or "n/a". */
function lead(n: number) {
  const h = Math.imul(n, 2_654_435_761) >>> 0;
  return {
    name: `${pick(["Ada", "Grace", "Alan", "Linus", "Radia", "Barbara"], h)} ${pick(["Lovelace", "Hopper", "Turing", "Perlman"], h >>> 3)} ${n}`,
    ...(n % 2 === 0 ? { email: `person${n}@company${n % 5000}.io` } : {}),
    company: `${pick(["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark"], h >>> 5)} ${pick(["Corp", "Inc", "Labs"], h >>> 7)} ${n % 5000}`,
    ...(n % 10 === 0 ? {} : { domain: `company${n % 5000}.io` }),
    title: pick(["CEO", "CTO", "VP Sales", "Engineer", "Designer", "Analyst"], h >>> 9),
    employees: n % 17 === 0 ? "n/a" : n % 5 === 0 ? String((h >>> 11) % 10_000) : (h >>> 11) % 10_000,
    ...(n % 7 === 0
      ? {}
      : { founded: new Date(Date.UTC(1950, 0, 1) + ((h >>> 2) % 27_000) * 86_400_000).toISOString().slice(0, 10) }),
    active: (h >>> 13) % 2 === 0,
  };
}

type Created = { id: string; columns: { id: string; key: string; dataType: string }[] };
type Page = { meta: { total: number } };

async function createLeads(api: Api, log: (line: string) => void) {
  const table = await api.post<Created>("/api/tables", { name: `Views bench ${fmt(ROWS)} rows`, columns: COLUMNS });
  const started = performance.now();
  for (let offset = 0; offset < ROWS; offset += 10_000) {
    const rows = Array.from({ length: Math.min(10_000, ROWS - offset) }, (_, i) => ({ data: lead(offset + i + 1) }));
    await api.post(`/api/tables/${table.id}/rows`, { rows });
  }
  log(`created ${fmt(ROWS)} rows in ${fmt((performance.now() - started) / 1000, 1)} s`);
  return table;
}

const query = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

/** Windows of 200 at offsets spread over the view (the first at 0), timed through HTTP. */
async function timeView(api: Api, tableId: string, params: { filter?: FilterNode; sort?: string; q?: string }) {
  const base: Record<string, string> = {};
  if (params.filter) base.filter = JSON.stringify(params.filter);
  if (params.sort) base.sort = params.sort;
  if (params.q) base.q = params.q;
  const first = await api.get<Page>(`/api/tables/${tableId}/rows?${query({ ...base, limit: WINDOW })}`);
  const total = first.meta.total;
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const offset = i === 0 ? 0 : Math.floor((((i * 7_919) % 1_000) / 1_000) * Math.max(0, total - WINDOW));
    const t0 = performance.now();
    await api.get(`/api/tables/${tableId}/rows?${query({ ...base, offset, limit: WINDOW })}`);
    samples.push(performance.now() - t0);
  }
  return { total, ...summarize(samples) };
}

type Case = [string, { filter?: FilterNode; sort?: string; q?: string }];
const COMPANY = lead(4_321).company;

const CASES: Case[] = [
  ["all rows, table order (baseline)", {}],
  ["all rows, sort company", { sort: "company:asc" }],
  [
    "text contains 'acme corp 12', sort name",
    { filter: { column: "company", op: "contains", value: "acme corp 12" }, sort: "name" },
  ],
  [`text eq '${COMPANY}', sort name`, { filter: { column: "company", op: "eq", value: COMPANY }, sort: "name" }],
  [
    "text starts_with 'grace hopper 1', sort name",
    { filter: { column: "name", op: "starts_with", value: "grace hopper 1" }, sort: "name" },
  ],
  [
    "email is empty and domain is not empty, sort company",
    {
      filter: {
        and: [
          { column: "email", op: "is_empty" },
          { column: "domain", op: "is_not_empty" },
        ],
      },
      sort: "company",
    },
  ],
  [
    "number gt 9000, sort employees desc",
    { filter: { column: "employees", op: "gt", value: 9000 }, sort: "employees:desc" },
  ],
  [
    "date lt 1960-01-01, sort founded",
    { filter: { column: "founded", op: "lt", value: "1960-01-01" }, sort: "founded" },
  ],
  ["boolean eq true, sort name", { filter: { column: "active", op: "eq", value: true }, sort: "name" }],
  [
    "cell status done (phone), sort name",
    { filter: { column: "phone", op: "cell_status_is", value: "done" }, sort: "name" },
  ],
  ["row status done, sort name", { filter: { op: "row_status_is", value: "done" }, sort: "name" }],
  ["confidence below 0.8, sort name", { filter: { op: "confidence_below", value: 0.8 }, sort: "name" }],
  ["search 'hopper 1234' (q)", { q: "hopper 1234" }],
  ["search 'umbrella' (q, broad)", { q: "umbrella" }],
  ["search 'ab' (q, too short for trigrams)", { q: "ab" }],
];

async function timeCases(api: Api, tableId: string, cases: Case[], log: (line: string) => void) {
  log(`\nwindow of ${WINDOW} rows at spread offsets, ${SAMPLES} requests each (ms, through HTTP)`);
  for (const [name, params] of cases) {
    const r = await timeView(api, tableId, params);
    log(
      `${name.padEnd(58)} rows ${fmt(r.total).padStart(7)}  p50 ${fmt(r.p50).padStart(5)}  p95 ${fmt(r.p95).padStart(5)}  max ${fmt(r.max).padStart(5)}`,
    );
  }
}

/**
 * Creates a job of the rows without email (50%) as POST /enrich does, but in this process and
 * without handing it to Inngest (running 50,000 cells would disturb what is measured next);
 * then deletes it.
 */
async function timeRowFilterJob(tableId: string, titleId: string, log: (line: string) => void) {
  const started = performance.now();
  const job = await createEnrichmentJob({
    tableId,
    source: { mode: "filter", columnIds: [titleId], rowFilter: { column: "email", op: "is_empty" } },
  });
  const ms = performance.now() - started;
  await getDb().enrichmentJob.delete({ where: { id: job.jobId } });
  log(`job creation with rowFilter "email is empty": ${fmt(job.totalTasks)} tasks in ${fmt(ms)} ms`);
}

async function timeInsert(api: Api, tableId: string, log: (line: string) => void) {
  const rows = Array.from({ length: 10_000 }, (_, i) => ({ data: lead(ROWS + i + 1) }));
  const started = performance.now();
  await api.post(`/api/tables/${tableId}/rows`, { rows });
  log(`POST /rows with 10,000 rows: ${fmt(performance.now() - started)} ms`);
}

/** Runs one statement on its own connection; its time in ms. */
export async function sql(databaseUrl: string, text: string) {
  const started = performance.now();
  await firstRow(databaseUrl, text);
  return performance.now() - started;
}

/** Runs one statement on its own connection; its first row. */
export async function firstRow<T>(databaseUrl: string, text: string): Promise<T> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query(text)).rows[0];
  } finally {
    await c.end();
  }
}

async function printPlans(databaseUrl: string, table: Created, cases: Case[], log: (line: string) => void) {
  const columns = table.columns as ViewColumn[];
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  for (const [name, params] of cases) {
    const tree = filterWithSearch(params.filter, params.q);
    const { text, values } = windowStatement({
      tableId: table.id,
      filter: tree ? resolveFilter(tree, columns, "filter") : null,
      sort: resolveSort(
        params.sort
          ? [{ column: params.sort.split(":")[0], direction: params.sort.endsWith("desc") ? "desc" : "asc" }]
          : [],
        columns,
      ),
      offset: 0,
      limit: WINDOW,
    });
    const plan = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
    log(`\n-- plan: ${name}`);
    for (const row of plan.rows) log(row["QUERY PLAN"]);
  }
  await pool.end();
}

export async function benchViews(stack: Stack, log: (line: string) => void) {
  const api = client(stack.appUrl, stack.demo.apiKey);
  const table = await createLeads(api, log);
  const column = (key: string) => table.columns.find((c) => c.key === key)?.id ?? "";
  // Cell and row states for the status filters: the phone of ~5% of the rows, enriched.
  const job = await api.post<{ jobId: string; totalTasks: number }>(`/api/tables/${table.id}/enrich`, {
    columnIds: [column("phone")],
    rowFilter: { column: "employees", op: "lt", value: 500 },
  });
  await waitForJob(api, table.id, job.jobId, 600_000);
  await sql(stack.databaseUrl, "VACUUM ANALYZE rows, row_search");
  log(`enriched phone for ${fmt(job.totalTasks)} rows; VACUUM ANALYZE done`);

  await timeCases(api, table.id, CASES, log);
  await timeInsert(api, table.id, log);
  await timeRowFilterJob(table.id, column("title"), log);
  if (process.env.BENCH_VIEWS_PLANS) await printPlans(stack.databaseUrl, table, CASES.slice(1), log);
}
