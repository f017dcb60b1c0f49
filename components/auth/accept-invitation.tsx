"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { fetchers } from "@/lib/client/fetchers";
import { describeError } from "@/lib/client/http";

export function AcceptInvitation({ invitationId, workspaceName }: { invitationId: string; workspaceName: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const [declined, setDeclined] = useState(false);
  if (declined) {
    return (
      <p role="status" className="text-sm text-slate-700">
        You declined the invitation to {workspaceName}.
      </p>
    );
  }
  return (
    <div className="flex flex-wrap items-start gap-3">
      <button
        type="button"
        disabled={pending}
        className="h-9 rounded-md bg-slate-900 px-4 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50"
        onClick={async () => {
          setPending(true);
          try {
            await fetchers.acceptInvitation(invitationId);
            router.replace("/");
            router.refresh();
          } catch (failure) {
            setError(describeError(failure));
            setPending(false);
          }
        }}
      >
        Join {workspaceName}
      </button>
      <button
        type="button"
        disabled={pending}
        className="h-9 rounded-md border border-slate-300 px-4 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
        onClick={async () => {
          setPending(true);
          try {
            await fetchers.declineInvitation(invitationId);
            setDeclined(true);
          } catch (failure) {
            setError(describeError(failure));
          }
          setPending(false);
        }}
      >
        Decline
      </button>
      {error ? (
        <p role="alert" className="w-full text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
