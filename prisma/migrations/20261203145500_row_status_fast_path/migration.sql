-- The row-status trigger (init and providers_and_recipes migrations) read every cell state of
-- the row with a query over jsonb_each on each change of cell_states: ~30 us a row, 3 s of
-- queueing a job of 1,000,000 cells. While a row has cells queued or running and none done,
-- its status is running or queued, with no confidence (the mean over done cells) and no error
-- (only set once nothing is queued or running); three jsonpath tests tell that without the query.
-- Updating 100,000 rows' cells to queued: 8.3-8.4 s before, 5.7-6.7 s with it (bench/README.md,
-- "2026-12-03, third session"). Other rows take the query as before.
CREATE OR REPLACE FUNCTION "glaze_derive_row_status"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n_running INT; n_queued INT; n_done INT; n_failed INT; n_skipped INT; mean_conf DOUBLE PRECISION;
BEGIN
  IF NEW."cell_states" @? '$.* ? (@.s == "running" || @.s == "queued")'
     AND NOT NEW."cell_states" @? '$.* ? (@.s == "done")' THEN
    NEW."status" := CASE WHEN NEW."cell_states" @? '$.* ? (@.s == "running")' THEN 'running' ELSE 'queued' END::"RowStatus";
    NEW."confidence" := NULL;
    NEW."error" := NULL;
    RETURN NEW;
  END IF;
  SELECT count(*) FILTER (WHERE v ->> 's' = 'running'),
         count(*) FILTER (WHERE v ->> 's' = 'queued'),
         count(*) FILTER (WHERE v ->> 's' = 'done'),
         count(*) FILTER (WHERE v ->> 's' = 'failed'),
         count(*) FILTER (WHERE v ->> 's' = 'skipped'),
         avg((v ->> 'c')::double precision) FILTER (WHERE v ->> 's' = 'done')
    INTO n_running, n_queued, n_done, n_failed, n_skipped, mean_conf
    FROM jsonb_each(NEW."cell_states") AS e(k, v);
  NEW."status" := CASE
    WHEN n_running > 0 THEN 'running'
    WHEN n_queued > 0 THEN 'queued'
    WHEN n_done + n_skipped > 0 AND n_failed = 0 THEN 'done'
    WHEN n_failed > 0 AND n_done = 0 THEN 'failed'
    WHEN n_done > 0 AND n_failed > 0 THEN 'ambiguous'
    ELSE 'idle'
  END::"RowStatus";
  NEW."confidence" := mean_conf;
  NEW."error" := CASE WHEN n_failed > 0 AND n_running = 0 AND n_queued = 0
    THEN n_failed || ' of ' || (n_done + n_failed + n_skipped) || ' cells failed' END;
  RETURN NEW;
END;
$$;
