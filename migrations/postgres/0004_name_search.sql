-- Staff search by name over a whole province (store.ListDossiers, q=). The terms of a folded
-- name are its words and each pair of neighbouring words joined by '0' ("nguyen van an" →
-- nguyen, van, an, nguyen0van, van0an), so that a typed name becomes a conjunction of rare
-- pairs, the last one a prefix ('nguyen0van' & 'van0an':*). Single words alone are too
-- common to narrow anything (nor do pg_trgm's trigrams, measured too: BENCHMARKS.md).
CREATE FUNCTION dossier_name_terms(folded text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_tsvector('simple', folded || ' ' || regexp_replace(folded, '(\S+) (\S+)', '\10\2', 'g') || ' '
        || regexp_replace(substr(folded, strpos(folded, ' ') + 1), '(\S+) (\S+)', '\10\2', 'g')) $$;
CREATE INDEX dossiers_name_terms ON dossiers USING gin (dossier_name_terms(applicant_name_norm));
-- 0002 indexed the words alone; single words are too common to narrow anything.
DROP INDEX IF EXISTS dossiers_name_words;
