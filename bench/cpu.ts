// CPU time of the stack's processes over a span of a benchmark, from Linux's /proc (nothing
// is reported elsewhere): where the machine's cores went while a load ran. Postgres counts
// its postmaster, its live processes and the backends that ended (the postmaster's children
// times); the bench's own figure includes the provider replicas it serves.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Stack } from "../scripts/stack";
import { fmt } from "./support";

const TICKS_PER_SECOND = 100;

type ProcStat = { ppid: number; own: number; children: number };

function procStat(pid: number | string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  } catch {
    return undefined;
  }
}

function sample(stack: Stack): Record<string, number> {
  const ids = stack.processIds();
  const seconds = (ticks: number) => ticks / TICKS_PER_SECOND;
  const own = (pid?: number) => (pid ? seconds(procStat(pid)?.own ?? 0) : 0);
  let postgres = 0;
  if (ids.postgres) {
    const postmaster = procStat(ids.postgres);
    postgres = seconds((postmaster?.own ?? 0) + (postmaster?.children ?? 0));
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const child = procStat(entry);
      if (child?.ppid === ids.postgres) postgres += seconds(child.own);
    }
  }
  const usage = process.cpuUsage();
  return {
    Postgres: postgres,
    app: own(ids.app),
    worker: own(ids.worker),
    "dev server": own(ids.devServer),
    "bench (clients, provider replicas)": (usage.user + usage.system) / 1e6,
  };
}

/** Starts measuring; the function it returns describes the CPU-seconds used since, by process. */
export function cpuMeter(stack: Stack): () => string {
  if (!existsSync("/proc/self/stat")) return () => "CPU by process: not measured (no /proc)";
  const start = sample(stack);
  const t0 = performance.now();
  return () => {
    const end = sample(stack);
    const wall = (performance.now() - t0) / 1000;
    const used = Object.entries(end)
      .map(([name, s]) => [name, s - (start[name] ?? 0)] as const)
      .sort((a, b) => b[1] - a[1]);
    const total = used.reduce((sum, [, s]) => sum + s, 0);
    return (
      `CPU-seconds by process over ${fmt(wall, 1)} s (${availableParallelism()} cores: ${fmt(wall * availableParallelism(), 1)} available): ` +
      `${used.map(([name, s]) => `${name} ${fmt(s, 1)}`).join(", ")}; ${fmt(total, 1)} in all`
    );
  };
}
