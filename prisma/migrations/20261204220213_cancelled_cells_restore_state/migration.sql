-- A cancelled cell goes back to the state it had before its job: its previous run's (done with
-- its value, failed, skipped), or "cancelled" if it never ran. `ended` maps column ids to the
-- task the cancel ended; `previous` maps them to the state to put back (absent: the cell's
-- state is removed). A cell whose latest task is no longer the ended one (a newer job queued
-- it) is left as it is.
CREATE FUNCTION "glaze_restore_cell_states"(states JSONB, ended JSONB, previous JSONB) RETURNS JSONB
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(
    jsonb_object_agg(e.key, CASE WHEN m.mine THEN previous -> e.key ELSE e.value END)
      FILTER (WHERE NOT m.mine OR previous ? e.key),
    '{}'::jsonb)
    FROM jsonb_each(states) AS e,
         LATERAL (SELECT COALESCE(ended ->> e.key = e.value ->> 't', false) AS mine) AS m
$$;

-- A cell a cancel ended before it ever ran (failed "cancelled") did not fail: it counts for its
-- row as a cell that never ran, so a cancelled job leaves no row red.
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
