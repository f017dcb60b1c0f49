-- A cancelled cell whose earlier run finished while the cancelled one was its latest (two runs
-- of the same cell at once) gets that run's value back: it was not merged then, as its cell
-- belonged to the newer run. `back` maps column ids to { "k": column key, "v": value }; a cell
-- whose latest task is no longer the ended one (see glaze_restore_cell_states) is left as it is.
CREATE FUNCTION "glaze_restore_values"(data JSONB, states JSONB, ended JSONB, back JSONB) RETURNS JSONB
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT data || COALESCE(
    (SELECT jsonb_object_agg(b.value ->> 'k', b.value -> 'v')
       FROM jsonb_each(COALESCE(back, '{}'::jsonb)) AS b
      WHERE states -> b.key ->> 't' = ended ->> b.key),
    '{}'::jsonb)
$$;
