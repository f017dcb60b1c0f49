"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { fetchers } from "@/lib/client/fetchers";
import { describeError } from "@/lib/client/http";

export function AcceptInvitation({ invitationId, workspaceName }: { invitationId: string; workspaceName: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  return (
    <div className="space-y-3">
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
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
