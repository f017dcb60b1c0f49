"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { ROLES } from "@/lib/auth/permissions";
import { fetchers, type InvitationDto } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";
import { CopyButton } from "./copy-button";
import { useWorkspaceList } from "./use-workspace-list";

/** Invite by link: there is no mail server, so the admin copies the link and sends it. */
export function InvitationsSection({ workspaceId }: { workspaceId: string }) {
  const [created, setCreated] = useState<InvitationDto>();
  const pending = useWorkspaceList({
    queryKey: queryKeys.invitations(workspaceId),
    load: (signal) => fetchers.listInvitations(workspaceId, signal),
    what: "invitations",
  });
  const refresh = pending.refresh;
  const invite = useMutation({
    meta: { errorTitle: "Could not invite" },
    mutationFn: (input: { email: string; role: (typeof ROLES)[number] }) => fetchers.invite(workspaceId, input),
    onSuccess: (invitation) => setCreated(invitation),
    onSettled: refresh,
  });
  const cancel = useMutation({
    meta: { errorTitle: "Could not cancel the invitation" },
    mutationFn: (id: string) => fetchers.cancelInvitation(workspaceId, id),
    onSettled: refresh,
  });
  return (
    <section aria-labelledby="invitations-heading" className="space-y-3">
      <h2 id="invitations-heading" className="text-lg font-semibold">
        Invitations
      </h2>
      <form
        aria-label="Invite someone"
        className="flex flex-wrap gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          invite.mutate({
            email: String(data.get("email") ?? "").trim(),
            role: String(data.get("role")) as (typeof ROLES)[number],
          });
        }}
      >
        <input
          name="email"
          type="email"
          required
          placeholder="name@company.com"
          aria-label="Email to invite"
          className="h-9 w-64 rounded-md border border-slate-300 px-3 text-sm"
        />
        <select
          name="role"
          aria-label="Role"
          defaultValue="member"
          className="h-9 rounded-md border border-slate-300 px-2 text-sm"
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
        <button
          type="submit"
          disabled={invite.isPending}
          className="h-9 rounded-md bg-slate-900 px-3 text-sm text-white disabled:opacity-50"
        >
          Create invitation link
        </button>
      </form>
      {created ? (
        <div role="status" className="space-y-1 rounded-md bg-green-50 p-3 text-sm text-green-900">
          <p>Send this link to {created.email}: they sign up or sign in through it.</p>
          <p className="flex items-center gap-2">
            <input
              readOnly
              aria-label="Invitation link"
              value={created.link}
              className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1 font-mono"
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={created.link} label="Copy link" />
          </p>
        </div>
      ) : null}
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {pending.items.map((i) => (
          <li key={i.id} className="flex items-center gap-3 px-4 py-2 text-sm">
            <span className="min-w-0 flex-1 truncate">
              {i.email} <span className="text-slate-500">as {i.role ?? "member"}</span>
            </span>
            {i.status === "expired" ? (
              <>
                {/* Its link no longer works: no link to copy, a new invitation instead. */}
                <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700">Expired</span>
                <button
                  type="button"
                  className="text-slate-700 hover:underline"
                  disabled={invite.isPending}
                  onClick={() =>
                    invite.mutate({ email: i.email, role: (i.role ?? "member") as (typeof ROLES)[number] })
                  }
                >
                  Invite again
                </button>
              </>
            ) : (
              <CopyButton text={i.link} label="Copy link" />
            )}
            <button type="button" className="text-red-700 hover:underline" onClick={() => cancel.mutate(i.id)}>
              Cancel
            </button>
          </li>
        ))}
        {pending.loaded && pending.items.length === 0 ? (
          <li className="px-4 py-2 text-sm text-slate-500">No pending invitations</li>
        ) : null}
      </ul>
    </section>
  );
}
