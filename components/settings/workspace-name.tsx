"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { MAX_WORKSPACE_NAME } from "@/lib/auth/schemas";
import { fetchers } from "@/lib/client/fetchers";

/** The settings page's heading: the workspace's name, which its owners and admins can rename. */
export function WorkspaceName({
  workspaceId,
  name,
  canRename,
}: {
  workspaceId: string;
  name: string;
  canRename: boolean;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  // The field appears because the person asked to rename: it takes the focus then.
  useEffect(() => {
    if (editing) field.current?.select();
  }, [editing]);
  const rename = useMutation({
    meta: { errorTitle: "Could not rename the workspace" },
    mutationFn: (next: string) => fetchers.renameWorkspace(workspaceId, next),
    onSuccess: () => {
      setEditing(false);
      // The header's workspace menu and this heading are drawn by the server.
      router.refresh();
    },
  });
  if (!editing) {
    return (
      <div className="flex items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{name}</h1>
        {canRename ? (
          <button
            type="button"
            onClick={() => setEditing(true)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50"
          >
            Rename
          </button>
        ) : null}
      </div>
    );
  }
  return (
    <form
      aria-label="Rename workspace"
      className="flex items-center gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        const next = String(new FormData(event.currentTarget).get("name") ?? "").trim();
        if (next === name) setEditing(false);
        else if (next) rename.mutate(next);
      }}
    >
      <input
        name="name"
        aria-label="Workspace name"
        defaultValue={name}
        required
        maxLength={MAX_WORKSPACE_NAME}
        ref={field}
        onKeyDown={(event) => {
          if (event.key === "Escape") setEditing(false);
        }}
        className="h-9 w-72 rounded-md border border-slate-300 px-3 text-base"
      />
      <button
        type="submit"
        disabled={rename.isPending}
        className="h-9 rounded-md bg-slate-900 px-3 text-sm text-white disabled:opacity-50"
      >
        {rename.isPending ? "Saving…" : "Save"}
      </button>
      <button type="button" onClick={() => setEditing(false)} className="h-9 px-2 text-sm text-slate-600">
        Cancel
      </button>
    </form>
  );
}
