-- Indexes that the province-scale benchmarks asked for (BENCHMARKS.md, bench/).

-- Staff search by name (store.ListDossiers, q=). For a small scope the page of ids comes
-- from an index-only scan of the scope's entries here, without reading the table; for a
-- whole province from the full-text index of the folded name's words (the query is the
-- words as a phrase, the last one a prefix). A pg_trgm GIN index was measured too and is
-- slower: folded Vietnamese names are made of a few very common trigrams.
CREATE INDEX dossiers_path_name ON dossiers (agency_path text_pattern_ops, applicant_name_norm text_pattern_ops) INCLUDE (id);
CREATE INDEX dossiers_name_words ON dossiers USING gin (to_tsvector('simple', applicant_name_norm));

-- Search by the last digits of a phone number: a prefix range on the reversed number. It
-- answers equality too.
CREATE INDEX dossiers_phone_reverse ON dossiers (reverse(applicant_phone) text_pattern_ops);

-- Results returned by post in a period, for dossiers closed before it (the appendix's
-- second query): a few percent of the rows.
CREATE INDEX dossiers_returned_postal ON dossiers (returned_at) WHERE returned_channel = 'postal';

-- No query reads these any more (search uses the two above; nothing filters on
-- resolved_at), and every intake and action paid for them.
DROP INDEX IF EXISTS dossiers_phone;
DROP INDEX IF EXISTS dossiers_name_norm;
DROP INDEX IF EXISTS dossiers_resolved;
