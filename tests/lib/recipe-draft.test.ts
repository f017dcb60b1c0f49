import { describe, expect, test } from "vitest";
import { draftOf, inputsUsed, moveProvider, recipeOf, toggleProvider, withField } from "@/lib/client/recipe-draft";
import { sourceMarkOf } from "@/lib/client/source-mark";
import { recipeSchema } from "@/lib/providers/recipe";

describe("recipe drafts (the grid's column setup)", () => {
  test("a first draft guesses the field from the column key and the inputs from the other columns", () => {
    const draft = draftOf(null, { key: "work_email" }, ["name", "company_domain", "work_email", "linkedin"]);
    expect(draft.field).toBe("email");
    expect(draft.inputs).toEqual({ fullName: "name", domain: "company_domain", linkedinUrl: "linkedin" });
    expect(draft.providers.at(-1)).toBe("llm");
  });

  test("a first draft's waterfall holds only providers that can fill its field, and follows a change of field", () => {
    const seniority = draftOf(null, { key: "seniority" }, ["name", "company_domain"]);
    expect(seniority.field).toBe("seniority");
    expect(seniority.providers).toEqual(["hunter.email-finder", "apollo.people-match", "llm"]);
    // The default draft is one the schema accepts as it is (Save without changing anything).
    expect(recipeSchema.safeParse(recipeOf(seniority)).success).toBe(true);
    const email = withField(seniority, "email", false);
    expect(email.providers).toEqual(["hunter.email-finder", "pdl.person", "apollo.people-match", "llm"]);
    // A saved recipe's waterfall keeps the person's choice, less what cannot fill the new field.
    const saved = { ...email, providers: ["pdl.person", "llm"] };
    expect(withField(saved, "seniority", true).providers).toEqual(["llm"]);
  });

  test("the LLM stays last when providers are added or moved", () => {
    expect(toggleProvider(["hunter.email-finder", "llm"], "pdl.person")).toEqual([
      "hunter.email-finder",
      "pdl.person",
      "llm",
    ]);
    expect(toggleProvider(["pdl.person"], "llm")).toEqual(["pdl.person", "llm"]);
    expect(toggleProvider(["pdl.person", "llm"], "pdl.person")).toEqual(["llm"]);
    expect(moveProvider(["a", "b", "llm"], "b", 1)).toEqual(["a", "b", "llm"]);
    expect(moveProvider(["a", "b", "llm"], "b", -1)).toEqual(["b", "a", "llm"]);
    expect(moveProvider(["a", "b"], "a", -1)).toEqual(["a", "b"]);
  });

  test("a draft becomes a recipe the schema accepts, keeping only the inputs its providers read", () => {
    const draft = draftOf(null, { key: "email" }, ["name", "company_domain", "email", "linkedin"]);
    const recipe = recipeOf({ ...draft, providers: ["hunter.email-finder"], minConfidence: 0.8 });
    expect(recipe).toEqual({
      providers: ["hunter.email-finder"],
      field: "email",
      inputs: { fullName: "name", domain: "company_domain" },
      stopWhen: { minConfidence: 0.8 },
    });
    expect(recipeSchema.safeParse(recipe).success).toBe(true);
    expect(inputsUsed(["hunter.email-finder"])).toEqual(["fullName", "firstName", "lastName", "domain", "company"]);
  });

  test("an HTTP draft's header lines become headers; a stored recipe round-trips", () => {
    const draft = draftOf(null, { key: "email" }, ["email", "company_domain"]);
    const recipe = recipeOf({
      ...draft,
      providers: ["http"],
      http: {
        method: "GET",
        url: "https://api.example.com/v1/{{company_domain}}",
        headers: "Authorization: Bearer {{secret:example}}\nbad line",
        body: "",
        valuePath: "data.email",
        confidencePath: "",
      },
    });
    expect(recipe.http).toEqual({
      method: "GET",
      url: "https://api.example.com/v1/{{company_domain}}",
      headers: { Authorization: "Bearer {{secret:example}}" },
      valuePath: "data.email",
    });
    const parsed = recipeSchema.parse(recipe);
    expect(recipeOf(draftOf({ ...parsed, field: "email" }, { key: "email" }, []))).toMatchObject(recipe);
  });

  test("source marks: a short label per provider; LLM values are AI-synthesised", () => {
    expect(sourceMarkOf("hunter.email-finder")).toEqual({ label: "Hunter", name: "Hunter Email Finder", ai: false });
    expect(sourceMarkOf("llm")).toMatchObject({ label: "AI", ai: true });
    expect(sourceMarkOf("demo")).toEqual({ label: "demo", name: "Demo provider", ai: false });
    expect(sourceMarkOf(undefined)).toBeNull();
  });
});
