"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageDto } from "@/lib/client/fetchers";

const COLORS = ["#2563eb", "#059669", "#d97706", "#7c3aed", "#dc2626", "#0891b2"];

/** Every day of [from, to] (UTC), so days without charges show as gaps, not as missing bars. */
function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Credits per day, one stacked series per provider. */
export function UsageChart({ usage }: { usage: UsageDto }) {
  const providers = [...new Map(usage.data.map((r) => [r.provider ?? "", r.label ?? r.provider ?? ""])).entries()];
  // Series keys are positions: recharts reads a dotted dataKey ("hunter.email-finder") as a path.
  const series = new Map(providers.map(([provider], i) => [provider, `p${i}`]));
  const rows = daysOf(usage.from, usage.to).map((day) => {
    const row: Record<string, string | number> = { day: day.slice(5) };
    for (const key of series.values()) row[key] = 0;
    for (const r of usage.data) {
      const key = r.day === day && r.provider ? series.get(r.provider) : undefined;
      if (key) row[key] = r.credits;
    }
    return row;
  });
  return (
    <figure aria-label="Credits per provider per day" className="h-72 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
          <Tooltip />
          <Legend />
          {providers.map(([provider, label], i) => (
            <Bar
              key={provider}
              dataKey={series.get(provider) as string}
              name={label}
              stackId="credits"
              fill={COLORS[i % COLORS.length]}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
