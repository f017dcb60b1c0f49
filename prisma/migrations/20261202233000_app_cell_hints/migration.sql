-- The enrichment store's hottest statements (claiming and finishing cells) run on connections
-- with glaze.hints=app (lib/db.ts) and hint their tables from the application after they
-- commit, merged per table (lib/realtime/cell-hints.ts): a notifying transaction holds
-- Postgres's global notify lock through its commit, which made concurrent cells commit one at
-- a time. On those connections the tasks' notify trigger stays quiet, and the rows' log
-- trigger, which records nothing for them (their rows' cell states always change), returns
-- before comparing the transition tables. Every other writer is hinted by the triggers as before.

CREATE OR REPLACE FUNCTION "glaze_notify_cells"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE t UUID;
BEGIN
  IF current_setting('glaze.hints', true) = 'app' THEN
    RETURN NULL;
  END IF;
  FOR t IN SELECT DISTINCT table_id FROM changed LOOP
    PERFORM pg_notify('glaze_changes', t::text || ':c');
  END LOOP;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION "glaze_log_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changes JSONB;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF current_setting('glaze.hints', true) = 'app' THEN
      RETURN NULL;
    END IF;
    SELECT jsonb_agg(x) INTO changes FROM (
      SELECT n.table_id, (array_agg(n.id))[1:1001] AS ids, count(*) AS n
        FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE n.data IS DISTINCT FROM o.data AND n.cell_states IS NOT DISTINCT FROM o.cell_states
       GROUP BY n.table_id) x;
    PERFORM glaze_log_changes('rows', 'updated', changes);
  ELSIF TG_OP = 'INSERT' THEN
    SELECT jsonb_agg(x) INTO changes FROM (
      SELECT table_id, (array_agg(id))[1:1001] AS ids, count(*) AS n FROM new_rows GROUP BY table_id) x;
    PERFORM glaze_log_changes('rows', 'created', changes);
  ELSE
    SELECT jsonb_agg(x) INTO changes FROM (
      SELECT table_id, (array_agg(id))[1:1001] AS ids, count(*) AS n FROM old_rows GROUP BY table_id) x;
    PERFORM glaze_log_changes('rows', 'deleted', changes);
  END IF;
  RETURN NULL;
END;
$$;
