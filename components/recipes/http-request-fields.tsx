import type { HttpDraft } from "@/lib/client/recipe-draft";

const INPUT = "rounded-md border border-slate-300 px-2 py-1 font-mono text-[11px] outline-none focus:border-blue-500";

/** The HTTP provider's request: method, URL template, header lines, body, and JSON paths. */
export function HttpRequestFields({ http, onChange }: { http: HttpDraft; onChange: (next: HttpDraft) => void }) {
  const set = (patch: Partial<HttpDraft>) => onChange({ ...http, ...patch });
  return (
    <fieldset className="space-y-1.5 rounded-md border border-slate-200 bg-white p-2 text-xs">
      <legend className="px-1 font-medium text-slate-600">HTTP request</legend>
      <div className="flex gap-1.5">
        <select
          value={http.method}
          onChange={(e) => set({ method: e.target.value as HttpDraft["method"] })}
          aria-label="Method"
          className={INPUT}
        >
          <option>GET</option>
          <option>POST</option>
        </select>
        <input
          value={http.url}
          onChange={(e) => set({ url: e.target.value })}
          placeholder="https://api.example.com/people?domain={{company_domain}}"
          aria-label="URL template"
          className={`${INPUT} min-w-0 flex-1`}
        />
      </div>
      <textarea
        value={http.headers}
        onChange={(e) => set({ headers: e.target.value })}
        placeholder={"Authorization: Bearer {{secret:example}}"}
        aria-label="Headers, one per line"
        rows={2}
        className={`${INPUT} w-full`}
      />
      {http.method === "POST" ? (
        <textarea
          value={http.body}
          onChange={(e) => set({ body: e.target.value })}
          placeholder={'{"domain": "{{company_domain}}"}'}
          aria-label="Body template"
          rows={2}
          className={`${INPUT} w-full`}
        />
      ) : null}
      <div className="flex gap-1.5">
        <input
          value={http.valuePath}
          onChange={(e) => set({ valuePath: e.target.value })}
          placeholder="data.email"
          aria-label="Value path"
          className={`${INPUT} min-w-0 flex-1`}
        />
        <input
          value={http.confidencePath}
          onChange={(e) => set({ confidencePath: e.target.value })}
          placeholder="data.score (optional)"
          aria-label="Confidence path"
          className={`${INPUT} min-w-0 flex-1`}
        />
      </div>
      <p className="text-[11px] text-slate-400">
        Store secrets in{" "}
        <a href="/settings#provider-keys-heading" className="underline" target="_blank" rel="noreferrer">
          Settings → Provider keys
        </a>{" "}
        (or PUT /api/providers/http/credentials with name and apiKey).
      </p>
    </fieldset>
  );
}
