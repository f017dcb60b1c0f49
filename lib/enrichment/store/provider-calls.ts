import "server-only";
import type { Tx } from "../../db";
import { run, type Statement } from "./run";

// The provider-call record: every upstream call of a cell's waterfall (and every provider the
// waterfall passed over, outcome `skipped`), and the providers a job stopped calling. A call's
// `attempt` numbers the calls of one provider for one task (1, 2, … after transient failures);
// the engine reuses a provider's last final outcome instead of calling again, so a retried or
// replayed step never calls or records twice, and (task, provider, attempt) is unique.

export type CallRow = {
  id: string;
  taskId: string;
  provider: string;
  attempt: number;
  fingerprint: string;
  outcome: string;
  value: unknown;
  confidence: number | null;
  rawConfidence: unknown;
  cost: number;
  credits: number;
  latencyMs: number;
  httpStatus: number | null;
  error: string | null;
  source: string | null;
  evidence: unknown;
  payload: unknown;
  /** Answered from the provider cache: when the answer was originally fetched. */
  cachedAt: Date | null;
  createdAt: Date;
};

/**
 * A call to record. `attempt` is given when the call's credits were reserved for that attempt
 * (lib/costs/ledger.ts): it is recorded under that number or not at all (a twin step won it).
 */
export type NewCall = Omit<CallRow, "id" | "attempt" | "createdAt" | "cachedAt"> & {
  attempt?: number;
  cachedAt?: Date | null;
};

const CALL_COLUMNS = `c.id::text AS id, c.task_id::text AS "taskId", c.provider, c.attempt, c.fingerprint, c.outcome,
  c.value, c.confidence, c.raw_confidence AS "rawConfidence", c.cost, c.credits, c.latency_ms AS "latencyMs",
  c.http_status AS "httpStatus", c.error, c.source, c.evidence, c.payload, c.cached_at AS "cachedAt",
  c.created_at AS "createdAt"`;

// Each call takes the next attempt number of its (task, provider). Two writers racing for the
// same number: one wins, the other's row is returned as not inserted and is retried. A call
// of a task deleted meanwhile (its row, column or table deleted while the call was made) is
// not inserted but returned with a null id, so the caller settles what the provider billed
// instead of failing the whole batch on the foreign key and calling every cell again.
const RECORD_CALLS: Statement = {
  name: "glaze-record-provider-calls",
  plan: "generic",
  text: `
    WITH i AS (
      SELECT i.*, EXISTS (SELECT 1 FROM cell_enrichment_tasks t WHERE t.id = i.task_id) AS live
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::float8[], $7::jsonb[], $8::float8[],
                    $9::float8[], $10::int[], $11::int[], $12::text[], $13::text[], $14::jsonb[], $15::jsonb[],
                    $16::int[], $17::timestamptz[])
             AS i(task_id, provider, fingerprint, outcome, value, confidence, raw_confidence, cost, credits, latency_ms,
                  http_status, error, source, evidence, payload, attempt, cached_at)
    ), ins AS (
    INSERT INTO provider_calls (task_id, provider, attempt, fingerprint, outcome, value, confidence, raw_confidence,
                                cost, credits, latency_ms, http_status, error, source, evidence, payload, cached_at)
    SELECT i.task_id, i.provider,
           COALESCE(i.attempt,
             COALESCE((SELECT max(p.attempt) FROM provider_calls p WHERE p.task_id = i.task_id AND p.provider = i.provider), 0) + 1),
           i.fingerprint, i.outcome, i.value, i.confidence, i.raw_confidence, i.cost, i.credits, i.latency_ms,
           i.http_status, i.error, i.source, i.evidence, i.payload, i.cached_at
      FROM i WHERE i.live
    ON CONFLICT (task_id, provider, attempt) DO NOTHING
    RETURNING id::text AS id, task_id::text AS "taskId", provider, attempt
    )
    SELECT id, "taskId", provider, attempt FROM ins
    UNION ALL
    SELECT NULL, i.task_id::text, i.provider, i.attempt FROM i WHERE NOT i.live`,
};

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** Records calls (any tasks, any providers) in one statement; returns them with their ids. */
export async function recordProviderCalls(
  calls: NewCall[],
  tx?: Tx,
): Promise<(NewCall & { id: string; attempt: number })[]> {
  return (await recordProviderCallsOf(calls, tx)).recorded;
}

/**
 * Records calls; `gone` are those of tasks deleted meanwhile, not recorded (nothing to show
 * them on), whose charges the caller still settles: the provider billed them.
 */
export async function recordProviderCallsOf(
  calls: NewCall[],
  tx?: Tx,
): Promise<{ recorded: (NewCall & { id: string; attempt: number })[]; gone: NewCall[] }> {
  const out: (NewCall & { id: string; attempt: number })[] = [];
  const gone: NewCall[] = [];
  let pending = calls;
  for (let round = 0; pending.length > 0 && round < 5; round++) {
    const rows = await run<{ id: string | null; taskId: string; provider: string; attempt: number | null }>(
      RECORD_CALLS,
      [
        pending.map((c) => c.taskId),
        pending.map((c) => c.provider),
        pending.map((c) => c.fingerprint),
        pending.map((c) => c.outcome),
        pending.map((c) => json(c.value)),
        pending.map((c) => c.confidence),
        pending.map((c) => json(c.rawConfidence)),
        pending.map((c) => c.cost),
        pending.map((c) => c.credits),
        pending.map((c) => Math.round(c.latencyMs)),
        pending.map((c) => c.httpStatus),
        pending.map((c) => c.error),
        pending.map((c) => c.source),
        pending.map((c) => json(c.evidence)),
        pending.map((c) => json(c.payload)),
        pending.map((c) => c.attempt ?? null),
        pending.map((c) => c.cachedAt ?? null),
      ],
      tx,
    );
    // A lost race drops a (task, provider); a deleted task comes back with a null id.
    const won = new Map(rows.map((r) => [`${r.taskId}|${r.provider}`, r]));
    const next: NewCall[] = [];
    for (const call of pending) {
      const row = won.get(`${call.taskId}|${call.provider}`);
      if (row?.id === null) gone.push(call);
      else if (row) {
        out.push({ ...call, id: row.id, attempt: row.attempt as number });
        won.delete(`${call.taskId}|${call.provider}`);
      } else if (call.attempt === undefined) next.push(call);
    }
    pending = next;
  }
  return { recorded: out, gone };
}

const TASK_CALLS: Statement = {
  name: "glaze-task-provider-calls",
  plan: "generic",
  text: `SELECT ${CALL_COLUMNS} FROM provider_calls c WHERE c.task_id = ANY($1::uuid[]) ORDER BY c.created_at, c.attempt`,
};

/** Every call of the listed tasks, oldest first. */
export async function readTaskCalls(taskIds: string[], tx?: Tx): Promise<CallRow[]> {
  if (taskIds.length === 0) return [];
  return run<CallRow>(TASK_CALLS, [taskIds], tx);
}

// The other providers' answers for a row: found calls of the latest task of each of its cells.
const ROW_CONTEXT: Statement = {
  name: "glaze-row-provider-context",
  plan: "generic",
  text: `
    SELECT c.provider, col.key AS field, c.value, c.payload, c.confidence
      FROM rows r
      CROSS JOIN LATERAL jsonb_each(r.cell_states) AS s(column_id, state)
      JOIN cell_enrichment_tasks t ON t.id = (s.state ->> 't')::uuid
      JOIN columns col ON col.id = t.column_id
      JOIN provider_calls c ON c.task_id = t.id AND c.outcome = 'found'
     WHERE r.id = $1::uuid AND c.provider <> 'llm'
     ORDER BY c.created_at DESC
     LIMIT 20`,
};

export type RowContextEntry = {
  provider: string;
  field: string;
  value: unknown;
  payload: unknown;
  confidence: number | null;
};

/** What providers found for the other cells of a row (their latest tasks), newest first. */
export async function readRowContext(rowId: string, tx?: Tx): Promise<RowContextEntry[]> {
  return run<RowContextEntry>(ROW_CONTEXT, [rowId], tx);
}

const BLOCK: Statement = {
  name: "glaze-block-job-provider",
  plan: "generic",
  text: `INSERT INTO job_provider_blocks (job_id, provider, reason) VALUES ($1::uuid, $2, $3)
         ON CONFLICT (job_id, provider) DO NOTHING`,
};

/** The job stops calling `provider` (out of credits, or its key was refused). */
export async function blockJobProvider({
  jobId,
  provider,
  reason,
}: {
  jobId: string;
  provider: string;
  reason: string;
}) {
  await run(BLOCK, [jobId, provider, reason]);
}

const BLOCKS: Statement = {
  name: "glaze-job-provider-blocks",
  plan: "generic",
  text: `SELECT job_id::text AS "jobId", provider, reason FROM job_provider_blocks WHERE job_id = ANY($1::uuid[])`,
};

/** The providers each listed job stopped calling, by job id then provider. */
export async function readJobBlocks(jobIds: string[]): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  if (jobIds.length === 0) return out;
  for (const row of await run<{ jobId: string; provider: string; reason: string }>(BLOCKS, [jobIds])) {
    const blocks = out.get(row.jobId) ?? new Map<string, string>();
    blocks.set(row.provider, row.reason);
    out.set(row.jobId, blocks);
  }
  return out;
}
