-- Staff search by name (store.searchPostgres) reads the words and word pairs of a folded
-- name from its full-text index (0004). The pairs are now written with the dossier
-- (store.NamePairs: "nguyen van an" → "nguyen0van van0an") instead of being cut out of the
-- name by regular expressions each time a row enters the index: the same terms, at a third
-- of the index's cost per stored dossier (BENCHMARKS.md).
--
-- Adding the column with a constant default rewrites nothing. The dossiers stored before
-- it keep '' until their next change; for those the index cuts the pairs out as 0004 did
-- (a name of one word has none). The index itself is built by 0007, in a transaction of
-- its own, so that this one's exclusive lock on the table lasts an instant.
ALTER TABLE dossiers ADD COLUMN applicant_name_pairs TEXT NOT NULL DEFAULT '';
CREATE FUNCTION dossier_name_terms(folded text, pairs text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_to_tsvector(array_remove(string_to_array(folded || ' ' || CASE
        WHEN pairs <> '' OR strpos(folded, ' ') = 0 THEN pairs
        ELSE regexp_replace(folded, '(\S+) (\S+)', '\10\2', 'g') || ' '
            || regexp_replace(substr(folded, strpos(folded, ' ') + 1), '(\S+) (\S+)', '\10\2', 'g')
        END, ' '), '')) $$;
