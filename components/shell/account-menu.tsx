"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/client/auth-client";

/** Who is signed in, and the way out. */
export function AccountMenu({ email }: { email: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <div className="flex items-center gap-3 text-sm">
      <span className="text-slate-600" title="Signed in as">
        {email}
      </span>
      <button
        type="button"
        disabled={pending}
        className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-slate-700 hover:bg-slate-50 disabled:opacity-50"
        onClick={async () => {
          setPending(true);
          await authClient.signOut();
          router.replace("/sign-in");
          router.refresh();
        }}
      >
        Sign out
      </button>
    </div>
  );
}
