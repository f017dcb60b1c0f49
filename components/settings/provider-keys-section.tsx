"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fetchers, type ProvidersDto } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";
import { VENDOR_NAMES } from "@/lib/providers/catalog";
import type { Vendor } from "@/lib/providers/types";
import { ConfirmAction } from "../ui/confirm-action";

const INPUT = "h-8 rounded-md border border-slate-300 px-2 text-sm";
const BUTTON = "h-8 rounded-md bg-slate-900 px-3 text-sm text-white disabled:opacity-50";
const date = (iso: string) => new Date(iso).toLocaleString("en-US");

type Provider = ProvidersDto["data"][number];

/** Where a provider's calls get their key from, as a person reads it. */
function keyStatus(p: Provider): string {
  if (p.keySource === "workspace") return p.last4 ? `This workspace's key, ending ${p.last4}` : "This workspace's key";
  // npm run dev and the test stacks point providers without a real key at their replicas.
  if (p.demo) return "No key: answered by the local replica (demo mode)";
  if (p.keySource === "deployment") return "The deployment's key (GLAZE_…_API_KEY)";
  return "No key: its columns fail until one is stored";
}

/**
 * The workspace's provider keys (the credentials API, for people): per provider where its key
 * comes from and its alert, and for owners and admins a field to store a key and a way to
 * forget it; below, the HTTP request columns' named secrets. A key is sent once and never
 * shown again, only its last 4 characters.
 */
export function ProviderKeysSection({ canEdit }: { canEdit: boolean }) {
  const client = useQueryClient();
  const providers = useQuery({
    queryKey: queryKeys.providers(),
    queryFn: ({ signal }) => fetchers.listProviders(signal),
    meta: { errorTitle: "Could not load the providers" },
  });
  // Every query of the providers (this page's, a table's) shows the change.
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.providers() });
  const store = useMutation({
    meta: { errorTitle: "Could not store the key or secret" },
    mutationFn: ({ vendor, apiKey, name }: { vendor: Vendor; apiKey: string; name?: string }) =>
      fetchers.putCredential(vendor, { apiKey, ...(name ? { name } : {}) }),
    onSettled: refresh,
  });
  const forget = useMutation({
    meta: { errorTitle: "Could not remove the key or secret" },
    mutationFn: ({ vendor, name }: { vendor: Vendor; name?: string }) => fetchers.deleteCredential(vendor, name),
    onSettled: refresh,
  });
  const data = providers.data;
  // The catalog lists adapters; a key belongs to their provider (Hunter has one key for both of its).
  const vendors = (data?.data ?? []).filter(
    (p, i, all) => p.vendor !== "http" && all.findIndex((q) => q.vendor === p.vendor) === i,
  );
  return (
    <section aria-labelledby="provider-keys-heading" className="space-y-3">
      <h2 id="provider-keys-heading" className="text-lg font-semibold">
        Provider keys
      </h2>
      <p className="text-sm text-slate-600">
        Enrichment calls each provider with this workspace&apos;s key, else the deployment&apos;s. Keys are stored
        encrypted and never shown again: only their last 4 characters.
        {canEdit ? null : " Owners and admins store and remove them."}
      </p>
      <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
        <thead className="text-left text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">Provider</th>
            <th className="px-3 py-2 font-medium">Key</th>
            {canEdit ? <th className="px-3 py-2" /> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {vendors.map((p) => (
            <tr key={p.vendor} data-provider={p.vendor}>
              <td className="px-3 py-2 align-top font-medium">{VENDOR_NAMES[p.vendor]}</td>
              <td className="px-3 py-2 align-top">
                <span data-key-status="">{keyStatus(p)}</span>
                {p.alert ? (
                  <span role="alert" className="block text-red-800">
                    {p.alert.kind === "out_of_credits" ? "Out of credits" : "Key refused"}: {p.alert.message}
                  </span>
                ) : null}
              </td>
              {canEdit ? (
                <td className="px-3 py-2 text-right align-top">
                  <KeyForm
                    label={`${VENDOR_NAMES[p.vendor]} API key`}
                    submit={p.keySource === "workspace" ? "Replace" : "Store"}
                    pending={store.isPending}
                    onSubmit={(apiKey) => store.mutateAsync({ vendor: p.vendor, apiKey })}
                  />
                  {p.keySource === "workspace" ? (
                    <div className="mt-1">
                      <ConfirmAction
                        label="Remove key…"
                        confirmLabel={`Confirm: remove the ${VENDOR_NAMES[p.vendor]} key`}
                        keepLabel="Keep it"
                        onConfirm={() => forget.mutate({ vendor: p.vendor })}
                      />
                    </div>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      <HttpSecrets
        secrets={data?.secrets ?? []}
        canEdit={canEdit}
        pending={store.isPending}
        onStore={(name, apiKey) => store.mutateAsync({ vendor: "http", name, apiKey })}
        onRemove={(name) => forget.mutate({ vendor: "http", name })}
      />
    </section>
  );
}

/** A password field and its button; cleared once the key is stored (kept when refused, to correct it). */
function KeyForm({
  label,
  submit,
  pending,
  onSubmit,
}: {
  label: string;
  submit: string;
  pending: boolean;
  onSubmit: (apiKey: string) => Promise<unknown>;
}) {
  const [value, setValue] = useState("");
  return (
    <form
      aria-label={`Store the ${label}`}
      className="inline-flex gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(value.trim()).then(
          () => setValue(""),
          () => {},
        );
      }}
    >
      <input
        type="password"
        autoComplete="off"
        aria-label={label}
        placeholder="Paste a key"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        className={`${INPUT} w-56 font-mono`}
      />
      <button type="submit" disabled={pending || value.trim() === ""} className={BUTTON}>
        {submit}
      </button>
    </form>
  );
}

/** The HTTP request columns' secrets, referenced as {{secret:name}} in their headers. */
function HttpSecrets({
  secrets,
  canEdit,
  pending,
  onStore,
  onRemove,
}: {
  secrets: ProvidersDto["secrets"];
  canEdit: boolean;
  pending: boolean;
  onStore: (name: string, value: string) => Promise<unknown>;
  onRemove: (name: string) => void;
}) {
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  return (
    <div className="space-y-2">
      <h3 className="font-medium">HTTP request secrets</h3>
      <p className="text-sm text-slate-600">
        An HTTP request column sends a secret where its headers say{" "}
        <code className="rounded bg-slate-100 px-1">{"{{secret:name}}"}</code>.
      </p>
      {secrets.length > 0 ? (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm">
          {secrets.map((s) => (
            <li key={s.name} data-secret={s.name} className="flex items-center gap-3 px-3 py-2">
              <code className="font-medium">{s.name}</code>
              <span className="text-slate-500">
                {s.last4 ? `ending ${s.last4}, ` : ""}stored {date(s.updatedAt)}
              </span>
              {canEdit ? (
                <span className="ml-auto">
                  <ConfirmAction
                    label="Remove…"
                    confirmLabel={`Confirm: remove “${s.name}”`}
                    keepLabel="Keep it"
                    onConfirm={() => onRemove(s.name)}
                  />
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-500">No secrets stored.</p>
      )}
      {canEdit ? (
        <form
          aria-label="New HTTP secret"
          className="flex flex-wrap items-center gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            onStore(name.trim(), value.trim()).then(
              () => {
                setName("");
                setValue("");
              },
              () => {},
            );
          }}
        >
          <input
            aria-label="Secret name"
            aria-describedby="secret-name-rule"
            placeholder="name, e.g. crm-token"
            value={name}
            // Names are lower case ({{secret:crm-token}}): typed as they will be stored.
            onChange={(e) => setName(e.target.value.toLowerCase().replace(/\s+/g, "-"))}
            maxLength={63}
            pattern="[a-z0-9][a-z0-9_\-]{0,62}"
            title="a-z, 0-9, _ and -, starting with a letter or digit"
            className={`${INPUT} w-48 font-mono`}
          />
          <input
            type="password"
            autoComplete="off"
            aria-label="Secret value"
            placeholder="value"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            className={`${INPUT} w-56 font-mono`}
          />
          <button type="submit" disabled={pending || name.trim() === "" || value.trim() === ""} className={BUTTON}>
            Store secret
          </button>
          <p id="secret-name-rule" className="w-full text-xs text-slate-500">
            Names use a-z, 0-9, _ and - (typed in lower case).
          </p>
        </form>
      ) : null}
    </div>
  );
}
