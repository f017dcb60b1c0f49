-- Autovacuum for the two hot tables that grow with every job. Postgres vacuums a table once its
-- dead tuples pass 20% of it (autovacuum_vacuum_scale_factor 0.2): on a table of 1,000,000 tasks
-- a 100,000-cell job (two updates per task) leaves ~110,000 dead tasks behind, never vacuumed
-- until the next jobs push it past 200,000, so each job extends the heap instead of reusing it.
-- At 2% (bench/README.md, "Storage": 1,000,000 tasks and 320,000 rows, two 100,000-cell jobs
-- 70 s apart) both tables are vacuumed during and after the job (0 dead tuples 70 s later instead
-- of 111,000 tasks and 33,000 rows), the second job grows the tasks' heap by 31 MB instead of
-- 61 MB and the rows' by 20 MB instead of 24 MB, at the same job throughput. The insert and
-- analyze thresholds follow, so big job creations also get their visibility map and statistics
-- soon. enrichment_job_counters, api_rate_windows and table_changes keep the defaults: the bench
-- saw at most 177 dead counter tuples, already vacuumed by default, and nothing to gain on the others.
ALTER TABLE "cell_enrichment_tasks" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE "rows" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
