"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient, authErrorMessage } from "@/lib/client/auth-client";
import { fetchers, type WorkspaceDto } from "@/lib/client/fetchers";
import { describeError } from "@/lib/client/http";
import { useToast } from "../ui/toast-provider";

/** Switching the person's workspace, and creating one to work in (the home page's first one too). */
export function useWorkspaceActions() {
  const router = useRouter();
  const toast = useToast();
  const activate = async (organizationId: string) => {
    const { error } = await authClient.organization.setActive({ organizationId });
    if (error) toast.show({ kind: "error", title: "Could not switch workspace", message: authErrorMessage(error) });
    router.push("/");
    router.refresh();
  };
  /** Creates the workspace and works in it; false when it was refused (the toast says why). */
  const create = async (name: string): Promise<boolean> => {
    try {
      const created = await fetchers.createWorkspace(name);
      await activate(created.id);
      return true;
    } catch (error) {
      toast.show({ kind: "error", title: "Could not create the workspace", message: describeError(error) });
      return false;
    }
  };
  return { activate, create };
}

/** The workspace the person works in: switch to another, or create one. */
export function WorkspaceSwitcher({ workspaces, activeId }: { workspaces: WorkspaceDto[]; activeId: string | null }) {
  const { activate, create } = useWorkspaceActions();
  const [creating, setCreating] = useState(false);
  if (creating) {
    return (
      <form
        aria-label="New workspace"
        className="flex gap-2"
        onSubmit={async (event) => {
          event.preventDefault();
          const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
          if (name && (await create(name))) setCreating(false);
        }}
      >
        <input
          name="name"
          aria-label="Workspace name"
          // biome-ignore lint/a11y/noAutofocus: the form opens because the person asked for a new workspace
          autoFocus
          onKeyDown={(event) => {
            if (event.key === "Escape") setCreating(false);
          }}
          placeholder="Workspace name"
          maxLength={100}
          required
          className="h-8 w-48 rounded-md border border-slate-300 px-2 text-sm"
        />
        <button type="submit" className="h-8 rounded-md bg-slate-900 px-2.5 text-sm text-white">
          Create
        </button>
        <button type="button" className="h-8 px-1 text-sm text-slate-500" onClick={() => setCreating(false)}>
          Cancel
        </button>
      </form>
    );
  }
  // "New workspace" is a button, not an option: arrow keys on a focused select change its
  // value, and an option that opens a form opened it for someone only looking through the list.
  return (
    <div className="flex items-center gap-1">
      <select
        aria-label="Workspace"
        value={activeId ?? ""}
        className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm"
        onChange={(event) => {
          if (event.target.value) void activate(event.target.value);
        }}
      >
        {activeId === null ? <option value="">No workspace</option> : null}
        {workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        aria-label="New workspace"
        title="New workspace"
        onClick={() => setCreating(true)}
        className="h-8 w-8 rounded-md border border-slate-300 bg-white text-sm text-slate-600 hover:bg-slate-50"
      >
        +
      </button>
    </div>
  );
}
