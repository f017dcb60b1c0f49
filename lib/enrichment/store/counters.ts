// The one owner of a job's counters. While a job runs, doneTasks/failedTasks live in
// COUNTER_SHARDS rows of enrichment_job_counters, so cells finishing together do not queue
// on one row lock; a task is counted into one shard in the same statement that makes it
// final. Reads always sum the shards in SQL (countsOf); when the job ends, finalize copies
// the sums onto the job row too.

/** Counter rows per job (see EnrichmentJobCounter in schema.prisma). */
export const COUNTER_SHARDS = 16;

/** SQL: creates the shard rows of job `jobParam` (e.g. "$1::uuid"). */
export const createShards = (jobParam: string) =>
  `INSERT INTO enrichment_job_counters (job_id, shard)
   SELECT ${jobParam}, s FROM generate_series(0, ${COUNTER_SHARDS - 1}) AS s`;

/** SQL: the shard a set of tasks (grouped by job) is counted into, spread by task id. */
export const shardOfTasks = (idColumn: string) =>
  `(abs(hashtext(min(${idColumn}::text))) % ${COUNTER_SHARDS})::smallint`;

/**
 * SQL: adds `per_job` (job_id, shard, done, failed, skipped, and with `cancelled` its column
 * cancelled: of failed, the tasks a cancel ended) to the shards. Used by every statement that
 * makes tasks final, in the same statement, so a task is counted exactly once.
 */
export const countInto = (perJob: string, { cancelled = false }: { cancelled?: boolean } = {}) =>
  `UPDATE enrichment_job_counters c
      SET done = c.done + ${perJob}.done, failed = c.failed + ${perJob}.failed,
          skipped = c.skipped + ${perJob}.skipped,${cancelled ? ` cancelled = c.cancelled + ${perJob}.cancelled,` : ""} updated_at = now()
     FROM ${perJob} WHERE c.job_id = ${perJob}.job_id AND c.shard = ${perJob}.shard`;

/** SQL (a LATERAL subquery yielding done, failed, skipped, cancelled): the live counts of job `jobAlias`. */
export const countsOf = (jobAlias: string) =>
  `LATERAL (SELECT sum(done)::int AS done, sum(failed)::int AS failed, sum(skipped)::int AS skipped,
                   sum(cancelled)::int AS cancelled
              FROM enrichment_job_counters WHERE job_id = ${jobAlias}.id) AS counts`;
