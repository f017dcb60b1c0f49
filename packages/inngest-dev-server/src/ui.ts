import type { AppView, PendingView, RunDetail, RunSummary, StepView } from "./queries";
import { isExecuted, stepMs, stepTimeMs, wallMs } from "./timing";

// Server-rendered debugging pages: no client build, no script, tidy CSS.

export function esc(value: unknown): string {
  return String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

/** Pretty JSON, cut to `max` characters so one huge payload cannot stall the page. */
export function preview(json: string | null, max: number): string {
  if (json === null) return "";
  let text = json;
  if (json.length < 200_000) {
    try {
      text = JSON.stringify(JSON.parse(json), null, 2);
    } catch {
      // Not JSON: show as is.
    }
  }
  return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;
}

function time(d: Date | null): string {
  return d ? d.toLocaleString("sv-SE") : "";
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return m < 60 ? `${m}m ${Math.round((ms % 60_000) / 1000)}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** Wall time, from the first request to the end (or now). */
function runDuration(r: { startedAt: Date | null; endedAt: Date | null }): string {
  const ms = wallMs(r);
  return ms === null ? "" : duration(ms);
}

function badge(status: string): string {
  return `<span class="badge ${esc(status)}">${esc(status)}</span>`;
}

const CSS = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #6b7385; --line: #e3e6ee; --bg: #fff; --panel: #f7f8fb; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8ee; --muted: #9aa2b4; --line: #2c3240; --bg: #151821; --panel: #1c202b; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.5rem; align-items: baseline; padding: .8rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { font-size: 1rem; margin: 0; } header a { color: inherit; text-decoration: none; }
header .stats { color: var(--muted); font-size: .85rem; }
main { padding: 1rem 1.5rem 3rem; max-width: 1400px; }
h2 { font-size: .95rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; }
tr:hover td { background: var(--panel); }
a { color: #3d6bff; } code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .82rem; }
pre { margin: 0; padding: .6rem .8rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; overflow: auto; max-height: 28rem; white-space: pre-wrap; word-break: break-word; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .75rem; font-weight: 600; background: #e8ebf3; color: #4a5266; }
.badge.running { background: #dbe7ff; color: #1f4fd1; } .badge.queued { background: #ece8ff; color: #5a3fc0; }
.badge.completed { background: #d9f5e3; color: #137a3a; } .badge.failed { background: #ffe0e0; color: #b42318; }
.badge.cancelled, .badge.retrying { background: #fff0d6; color: #9a5b00; }
.muted { color: var(--muted); } .filters a { margin-right: .8rem; } .filters a.on { font-weight: 700; color: inherit; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; } dt { color: var(--muted); }
details summary { cursor: pointer; color: var(--muted); } form { display: inline; }
button { font: inherit; padding: .2rem .7rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: inherit; cursor: pointer; }
.error pre { border-color: #f1b4ae; }
.send { display: grid; grid-template-columns: minmax(12rem, 20rem) 1fr auto; gap: .5rem; align-items: start; }
.send input, .send textarea { font: inherit; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .82rem; padding: .3rem .5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: inherit; }
.send textarea { min-height: 2.2rem; resize: vertical; }
`;

function page(title: string, body: string, refresh: boolean, stats: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
${refresh ? '<meta http-equiv="refresh" content="2">' : ""}<style>${CSS}</style></head>
<body><header><h1><a href="/">Inngest dev server</a></h1><span class="stats">${stats}</span></header>
<main>${body}</main></body></html>`;
}

export interface IndexData {
  runs: RunSummary[];
  apps: AppView[];
  counts: Record<string, number>;
  status: string | undefined;
  /** Only the runs of this event (where the "Send event" form leads). */
  eventId?: string;
  stats: string;
  refresh: boolean;
}

/** Like POST /e/:key: the event is stored and starts the functions it triggers. */
const SEND_FORM = `<h2>Send event</h2>
<form class="send" method="post" action="/events"><input name="name" placeholder="app/event.name" required aria-label="Event name">
<textarea name="data" placeholder='{"key": "value"}' aria-label="Event data (JSON object)">{}</textarea><button>Send event</button></form>`;

export function renderIndex(d: IndexData): string {
  const filters = ["", "queued", "running", "completed", "failed", "cancelled"]
    .map((s) => {
      const label = s ? `${s} (${d.counts[s] ?? 0})` : "all";
      return `<a class="${(d.status ?? "") === s ? "on" : ""}" href="/${s ? `?status=${s}` : ""}">${label}</a>`;
    })
    .join("");
  const rows = d.runs
    .map(
      (
        r,
      ) => `<tr><td>${badge(r.status)}</td><td><a href="/runs/${esc(r.id)}">${esc(r.functionName ?? r.functionId)}</a></td>
<td class="mono">${esc(r.eventName)}</td><td>${esc(time(r.startedAt ?? r.createdAt))}</td><td>${esc(runDuration(r))}</td>
<td class="mono muted"><a href="/runs/${esc(r.id)}">${esc(r.id)}</a></td></tr>`,
    )
    .join("");
  const apps = d.apps
    .map(
      (a) => `<tr><td><b>${esc(a.id)}</b><br><span class="mono muted">${esc(a.url)}</span></td>
<td>${a.functions.map((f) => `<div><span class="mono">${esc(f.id)}</span> <span class="muted">← ${esc(f.triggers.join(", ") || "invoke only")}</span></div>`).join("")}</td>
<td>${esc(time(a.syncedAt))}</td>
<td><form method="post" action="/apps/sync"><input type="hidden" name="url" value="${esc(a.url)}"><button>Resync</button></form></td></tr>`,
    )
    .join("");
  const body = `<h2>Apps</h2>${
    apps
      ? `<table><tr><th>App</th><th>Functions</th><th>Synced</th><th></th></tr>${apps}</table>`
      : `<p class="muted">No app synced yet. Start the app, or pass <code>-u &lt;serve url&gt;</code>.</p>`
  }
${SEND_FORM}
${d.eventId ? `<h2>Runs of event <span class="mono">${esc(d.eventId)}</span></h2><p><a href="/">All runs</a></p>` : `<h2>Runs</h2><p class="filters">${filters} <a class="muted" href="?${d.status ? `status=${esc(d.status)}&` : ""}refresh=${d.refresh ? 0 : 1}">${d.refresh ? "pause refresh" : "resume refresh"}</a></p>`}
${
  rows
    ? `<table><tr><th>Status</th><th>Function</th><th>Event</th><th>Started</th><th>Wall time</th><th>Run</th></tr>${rows}</table>`
    : `<p class="muted">No runs yet.</p>`
}`;
  return page("Inngest dev server", body, d.refresh, d.stats);
}

function details(summary: string, json: string | null, open: boolean): string {
  const text = preview(json, 4000);
  return text ? `<details${open ? " open" : ""}><summary>${summary}</summary><pre>${esc(text)}</pre></details>` : "";
}

function stepRow(s: StepView): string {
  const ms = stepMs(s);
  const took = ms === null ? "" : isExecuted(s) ? duration(ms) : `waited ${duration(ms)}`;
  const result =
    s.status === "completed"
      ? details("output", s.data, false) + details("error of an earlier attempt", s.error, false)
      : details(s.status === "retrying" ? "last error" : "error", s.error, true);
  return `<tr><td class="muted">${s.seq === null ? "" : s.seq + 1}</td><td><b>${esc(s.name ?? s.id)}</b><br><span class="mono muted">${esc(s.id.slice(0, 12))}</span></td>
<td>${esc(s.op ?? "")}</td><td>${badge(s.status)}</td><td>${s.attempts}</td><td>${esc(took)}</td><td>${result}</td></tr>`;
}

const WAITING: Record<string, string> = {
  sleep: "sleeping until",
  wait: "waiting for an event until",
  invoke: "waiting for the invoked run until",
  retry: "next attempt at",
};

function pendingRow(p: PendingView): string {
  const what = `${WAITING[p.kind] ?? p.kind} ${time(p.dueAt)}${p.kind === "retry" && p.attempt !== null ? ` (attempt ${p.attempt + 1})` : ""}`;
  return `<tr><td><b>${esc(p.name ?? (p.stepId || "whole function"))}</b></td><td>${esc(what)}</td></tr>`;
}

export function renderRun(r: RunDetail, stats: string): string {
  const unfinished = r.status === "queued" || r.status === "running";
  const result =
    r.status === "completed"
      ? `<h2>Output</h2><pre>${esc(preview(r.output, 20_000))}</pre>`
      : r.error
        ? `<div class="error"><h2>Error</h2><pre>${esc(preview(r.error, 20_000))}</pre></div>`
        : "";
  const children = r.children.length
    ? `<h2>Invoked runs</h2><table>${r.children.map((c) => `<tr><td>${badge(c.status)}</td><td><a href="/runs/${esc(c.id)}">${esc(c.functionId)}</a></td><td class="mono muted">${esc(c.id)}</td></tr>`).join("")}</table>`
    : "";
  const action = unfinished
    ? `<form method="post" action="/runs/${esc(r.id)}/cancel"><button>Cancel</button></form>`
    : `<form method="post" action="/runs/${esc(r.id)}/rerun"><button title="A new run of this function with the same event">Rerun</button></form>`;
  const executed = r.steps.filter(isExecuted).length;
  const body = `<h2>${esc(r.functionName ?? r.functionId)} ${badge(r.status)} ${action}</h2>
<dl><dt>Run</dt><dd class="mono">${esc(r.id)}</dd><dt>Function</dt><dd class="mono">${esc(r.functionId)}</dd>
<dt>Event</dt><dd class="mono">${esc(r.eventName)} ${r.eventId ? `<span class="muted">${esc(r.eventId)}</span>` : ""}</dd>
${r.rerunOf ? `<dt>Rerun of</dt><dd><a class="mono" href="/runs/${esc(r.rerunOf)}">${esc(r.rerunOf)}</a></dd>` : ""}
${r.parentRunId ? `<dt>Invoked by</dt><dd><a class="mono" href="/runs/${esc(r.parentRunId)}">${esc(r.parentRunId)}</a></dd>` : ""}
<dt>Queued</dt><dd>${esc(time(r.createdAt))}</dd><dt>Started</dt><dd>${esc(time(r.startedAt))}</dd>
<dt>Ended</dt><dd>${esc(time(r.endedAt))}</dd><dt>Wall time</dt><dd>${esc(runDuration(r))}</dd>
${executed ? `<dt>Step execution</dt><dd>${esc(duration(stepTimeMs(r.steps)))} <span class="muted">sum of ${executed} step execution time(s)${executed > 1 ? "; parallel steps overlap, so it can exceed the wall time" : ""}</span></dd>` : ""}</dl>
${result}
<h2>Steps (${r.steps.length})</h2>
${r.steps.length ? `<table><tr><th>#</th><th>Step</th><th>Kind</th><th>Status</th><th>Attempts</th><th title="The step's own execution: from its request (its last attempt's) to its result. Sleeps and waits show how long they waited.">Time</th><th>Result</th></tr>${r.steps.map(stepRow).join("")}</table>` : `<p class="muted">No steps yet.</p>`}
${r.pending.length && unfinished ? `<h2>Waiting</h2><table>${r.pending.map(pendingRow).join("")}</table>` : ""}
${children}
<h2>Event payload</h2><pre>${esc(preview(r.event, 20_000))}</pre>`;
  return page(`${r.functionId} ${r.status}`, body, unfinished, stats);
}

export function renderMessage(title: string, message: string, stats: string): string {
  return page(title, `<h2>${esc(title)}</h2><p>${esc(message)}</p><p><a href="/">Back to runs</a></p>`, false, stats);
}

export function renderNotFound(what: string, stats: string): string {
  return page("Not found", `<h2>${esc(what)} not found</h2><p><a href="/">Back to runs</a></p>`, false, stats);
}
