import type { TaskStatus } from "./types";

/**
 * SQL: task `alias`'s status is one of `statuses`, for statements that find their tasks by id.
 * Compared as text on purpose, so that no index can serve it: a task's status flips by the
 * thousand within seconds, faster than autovacuum re-analyses the table, and with statistics
 * that say "almost nothing is queued" Postgres would rather find the queued (or running) tasks
 * through the (job_id, status) index, by skip scan, and compare each with every listed id
 * (measured: 4.6 s for 500 tasks while 10,000 were queued, against ~0.1 s by primary key). The
 * ids alone say which rows; the status only guards them.
 */
export const statusIn = (alias: string, statuses: TaskStatus[]) =>
  `${alias}.status::text IN (${statuses.map((s) => `'${s}'`).join(", ")})`;
