-- glaze_parse_timestamp accepted UTC offsets up to ±23:59, as ISO 8601 allows, but Postgres's
-- timestamptz reads at most ±15:59: a stored "2024-05-01T10:30+16:00" made every comparison
-- and sort of its column fail (500) instead of counting as a value that is not a date.
-- Offsets are now ±00:00 to ±15:59 here and in lib/views/values.ts DATE_PATTERN.
CREATE OR REPLACE FUNCTION "glaze_parse_timestamp"(t TEXT) RETURNS TIMESTAMPTZ LANGUAGE sql STABLE PARALLEL SAFE
  AS $f$ SELECT CASE WHEN t ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[-+](0[0-9]|1[0-5]):?[0-5][0-9])?)?$'
    THEN CASE WHEN substr(t, 1, 4) <> '0000'
      AND substr(t, 9, 2)::int <= CASE substr(t, 6, 2)::int
        WHEN 2 THEN CASE WHEN substr(t, 1, 4)::int % 4 = 0
          AND (substr(t, 1, 4)::int % 100 <> 0 OR substr(t, 1, 4)::int % 400 = 0) THEN 29 ELSE 28 END
        WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END
      THEN (CASE WHEN length(t) > 10 AND (right(t, 1) = 'Z' OR substr(t, length(t) - 4, 1) IN ('+', '-')
                   OR substr(t, length(t) - 5, 1) IN ('+', '-'))
            THEN t ELSE t || 'Z' END)::timestamptz
    END
  END $f$;
