import { redirect } from "next/navigation";
import { AppHeader } from "@/components/shell/app-header";
import { UsageDashboard } from "@/components/usage/usage-dashboard";
import { requirePageSession } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

// /usage – what the workspace's enrichment cost: credits per provider per day, per provider and per job
export default async function UsagePage() {
  const session = await requirePageSession("/usage");
  const workspace = session.active;
  if (!workspace) redirect("/");
  return (
    <>
      <AppHeader session={session} />
      <main className="mx-auto max-w-5xl space-y-8 px-6 py-10">
        <header>
          <h1 className="text-2xl font-semibold tracking-tight">Usage</h1>
          <p className="text-slate-600">Credits charged to {workspace.name}, from the ledger of every provider call.</p>
        </header>
        <UsageDashboard />
      </main>
    </>
  );
}
