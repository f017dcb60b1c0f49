"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { API_KEY_SCOPES, type ApiKeyScope, withImpliedScopes } from "@/lib/auth/permissions";
import { fetchers } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";
import { ConfirmAction } from "../ui/confirm-action";
import { CopyButton } from "./copy-button";
import { useWorkspaceList } from "./use-workspace-list";

const date = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-US") : "never");

/** The workspace's API keys: create one with scopes (shown once), see when each was last used, revoke. */
export function ApiKeysSection({ workspaceId }: { workspaceId: string }) {
  const [shown, setShown] = useState<{ name: string | null; key: string }>();
  // A key needs one scope at least (revoking asks once more: a revoked key cannot be restored).
  const [scopeCount, setScopeCount] = useState(1);
  const keys = useWorkspaceList({
    queryKey: queryKeys.apiKeys(workspaceId),
    load: (signal) => fetchers.listApiKeys(workspaceId, signal),
    what: "API keys",
  });
  const refresh = keys.refresh;
  const create = useMutation({
    meta: { errorTitle: "Could not create the key" },
    mutationFn: (input: { name: string; scopes: ApiKeyScope[] }) => fetchers.createApiKey(workspaceId, input),
    onSuccess: (created) => setShown({ name: created.name, key: created.key }),
    onSettled: refresh,
  });
  const revoke = useMutation({
    meta: { errorTitle: "Could not revoke the key" },
    mutationFn: (keyId: string) => fetchers.revokeApiKey(workspaceId, keyId),
    onSettled: refresh,
  });
  return (
    <section aria-labelledby="keys-heading" className="space-y-3">
      <h2 id="keys-heading" className="text-lg font-semibold">
        API keys
      </h2>
      <form
        aria-label="New API key"
        className="flex flex-wrap items-center gap-3"
        onChange={(event) => {
          const form = event.currentTarget;
          const checked = (scope: ApiKeyScope) =>
            (form.elements.namedItem(`scope-${scope}`) as HTMLInputElement | null)?.checked ?? false;
          // write and enrich include read (withImpliedScopes): the box says so.
          const read = form.elements.namedItem("scope-read") as HTMLInputElement | null;
          const implied = withImpliedScopes(API_KEY_SCOPES.filter((s) => s !== "read" && checked(s))).includes("read");
          if (read) {
            if (implied) read.checked = true;
            read.disabled = implied;
            read.title = implied ? "Included in write and enrich" : "";
          }
          setScopeCount(withImpliedScopes(API_KEY_SCOPES.filter(checked)).length);
        }}
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const data = new FormData(form);
          const scopes = API_KEY_SCOPES.filter((s) => data.get(`scope-${s}`) === "on");
          // The name is cleared once the key exists, ready for the next one.
          const name = form.elements.namedItem("name") as HTMLInputElement | null;
          create.mutate(
            { name: String(data.get("name") ?? "").trim(), scopes },
            {
              onSuccess: () => {
                if (name) name.value = "";
              },
            },
          );
        }}
      >
        <input
          name="name"
          required
          maxLength={64}
          placeholder="What is it for?"
          aria-label="Key name"
          className="h-9 w-56 rounded-md border border-slate-300 px-3 text-sm"
        />
        {API_KEY_SCOPES.map((scope) => (
          <label key={scope} className="flex items-center gap-1 text-sm">
            <input type="checkbox" name={`scope-${scope}`} defaultChecked={scope === "read"} /> {scope}
          </label>
        ))}
        <button
          type="submit"
          disabled={create.isPending || scopeCount === 0}
          className="h-9 rounded-md bg-slate-900 px-3 text-sm text-white disabled:opacity-50"
        >
          Create key
        </button>
        {scopeCount === 0 ? <span className="text-sm text-amber-800">Choose at least one scope.</span> : null}
      </form>
      {shown ? (
        <div role="status" className="space-y-1 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
          <p>Copy the key “{shown.name}” now: it is shown only this once.</p>
          <p className="flex items-center gap-2">
            <input
              readOnly
              aria-label="New API key"
              value={shown.key}
              className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1 font-mono"
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={shown.key} />
          </p>
        </div>
      ) : null}
      <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
        <thead className="text-left text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">Name</th>
            <th className="px-3 py-2 font-medium">Key</th>
            <th className="px-3 py-2 font-medium">Scopes</th>
            <th className="px-3 py-2 font-medium">Created</th>
            <th className="px-3 py-2 font-medium">By</th>
            <th className="px-3 py-2 font-medium">Last used</th>
            <th className="px-3 py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {keys.items.map((k) => (
            <tr key={k.id}>
              <td className="px-3 py-2">
                {k.name}
                {k.expired ? (
                  <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700">Expired</span>
                ) : null}
              </td>
              <td className="px-3 py-2 font-mono text-slate-500">{k.start}…</td>
              <td className="px-3 py-2">{k.scopes.join(", ")}</td>
              <td className="px-3 py-2">{date(k.createdAt)}</td>
              <td className="px-3 py-2" title={k.createdBy?.email}>
                {k.createdBy?.name ?? "—"}
              </td>
              <td className="px-3 py-2">{date(k.lastUsedAt)}</td>
              <td className="px-3 py-2 text-right">
                <ConfirmAction
                  label="Revoke…"
                  confirmLabel={`Confirm: revoke “${k.name}”`}
                  keepLabel="Keep it"
                  onConfirm={() => revoke.mutate(k.id)}
                />
              </td>
            </tr>
          ))}
          {!keys.loaded || keys.items.length === 0 ? (
            <tr>
              <td colSpan={7} className="px-3 py-2 text-slate-500">
                {keys.loaded ? "No API keys yet." : "Loading keys…"}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}
