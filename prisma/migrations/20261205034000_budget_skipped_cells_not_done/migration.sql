-- A cell a budget stopped before it was called (skipped "budget reached") was not enriched:
-- like a cell a cancel ended before it ran, it counts for its row as a cell that never ran. A
-- row whose cells were all stopped by the budget was shown "done" (green) with nothing found.
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
         count(*) FILTER (WHERE v ->> 's' = 'failed' AND v ->> 'e' IS DISTINCT FROM 'cancelled'),
         count(*) FILTER (WHERE v ->> 's' = 'skipped' AND v ->> 'e' IS DISTINCT FROM 'budget reached'),
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

-- Rows already holding such cells get their status again (the trigger derives it on update).
UPDATE "rows" SET "cell_states" = "cell_states" WHERE "cell_states" @? '$.* ? (@.e == "budget reached")';
