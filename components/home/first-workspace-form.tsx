"use client";

import { useState } from "react";
import { useWorkspaceActions } from "../shell/workspace-switcher";

/** Someone in no workspace yet (just signed up, not invited): name one and start in it. */
export function FirstWorkspaceForm() {
  const { create } = useWorkspaceActions();
  const [pending, setPending] = useState(false);
  return (
    <form
      aria-label="Your first workspace"
      className="mx-auto flex max-w-md flex-col gap-3 rounded-lg border border-slate-200 bg-white p-6 text-left shadow-sm"
      onSubmit={async (event) => {
        event.preventDefault();
        const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
        if (!name) return;
        setPending(true);
        if (!(await create(name))) setPending(false);
      }}
    >
      <h2 className="text-lg font-semibold">Create your workspace</h2>
      <p className="text-sm text-slate-600">
        Tables, API keys, provider keys and budgets belong to a workspace; invite your team to it later. Invited
        already? Open the invitation link instead.
      </p>
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium text-slate-700">Workspace name</span>
        <input
          name="name"
          required
          maxLength={100}
          placeholder="e.g. Acme Sales"
          className="h-9 rounded-md border border-slate-300 px-3"
        />
      </label>
      <button
        type="submit"
        disabled={pending}
        className="h-9 self-start rounded-md bg-slate-900 px-4 text-sm font-medium text-white disabled:opacity-50"
      >
        {pending ? "Creating…" : "Create workspace"}
      </button>
    </form>
  );
}
