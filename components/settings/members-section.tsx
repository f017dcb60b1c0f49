"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ROLES } from "@/lib/auth/permissions";
import { fetchers } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";
import { ConfirmAction } from "../ui/confirm-action";
import { useToast } from "../ui/toast-provider";
import { useWorkspaceList } from "./use-workspace-list";

/** Who is in the workspace; owners and admins change roles and remove people. */
export function MembersSection({
  workspaceId,
  canManage,
  selfId,
}: {
  workspaceId: string;
  canManage: boolean;
  selfId: string;
}) {
  const members = useWorkspaceList({
    queryKey: queryKeys.members(workspaceId),
    load: (signal) => fetchers.listMembers(workspaceId, signal),
    what: "members",
  });
  const client = useQueryClient();
  const toast = useToast();
  // A member who leaves, or stops being an owner or admin, takes the API keys they made along.
  const refresh = () => {
    members.refresh();
    void client.invalidateQueries({ queryKey: queryKeys.apiKeys(workspaceId) });
  };
  const setRole = useMutation({
    meta: { errorTitle: "Could not change the role" },
    mutationFn: ({ memberId, role }: { memberId: string; role: string }) =>
      fetchers.updateMemberRole(workspaceId, memberId, role),
    onSuccess: ({ revokedApiKeys }) => {
      if (revokedApiKeys > 0)
        toast.show({
          kind: "info",
          title: `${revokedApiKeys === 1 ? "The API key" : `${revokedApiKeys} API keys`} they made ${revokedApiKeys === 1 ? "was" : "were"} revoked`,
        });
    },
    onSettled: refresh,
  });
  const remove = useMutation({
    meta: { errorTitle: "Could not remove the member" },
    mutationFn: (memberId: string) => fetchers.removeMember(workspaceId, memberId),
    onSettled: refresh,
  });
  // Anyone may leave (a workspace keeps an owner: its last one gets a 409 saying so); the app
  // then opens afresh in another of their workspaces.
  const leave = useMutation({
    meta: { errorTitle: "Could not leave the workspace" },
    mutationFn: (memberId: string) => fetchers.removeMember(workspaceId, memberId),
    onSuccess: () => window.location.assign("/"),
  });
  return (
    <section aria-labelledby="members-heading" className="space-y-3">
      <h2 id="members-heading" className="text-lg font-semibold">
        Members
      </h2>
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {members.loaded ? null : <li className="px-4 py-2 text-sm text-slate-500">Loading members…</li>}
        {members.items.map((m) => (
          <li key={m.id} className="flex items-center gap-3 px-4 py-2 text-sm">
            <span className="min-w-0 flex-1 truncate">
              {m.name} <span className="text-slate-500">{m.email}</span>
            </span>
            {canManage && m.userId !== selfId ? (
              <>
                <select
                  aria-label={`Role of ${m.email}`}
                  value={m.role}
                  onChange={(e) => setRole.mutate({ memberId: m.id, role: e.target.value })}
                  className="h-8 rounded-md border border-slate-300 px-2"
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
                <ConfirmAction
                  label="Remove…"
                  confirmLabel={`Confirm: remove ${m.email} and the API keys they made`}
                  onConfirm={() => remove.mutate(m.id)}
                />
              </>
            ) : (
              <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{m.role}</span>
            )}
            {m.userId === selfId ? (
              <ConfirmAction
                label="Leave…"
                confirmLabel="Confirm: leave this workspace (and revoke the API keys you made in it)"
                onConfirm={() => leave.mutate(m.id)}
              />
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
