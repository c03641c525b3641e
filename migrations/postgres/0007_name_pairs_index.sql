-- The name-search index on the words and the written pairs (0006), in place of 0004's.
-- Building it takes a share lock on the dossiers: they are read, not written, meanwhile.
CREATE INDEX dossiers_name_pairs ON dossiers USING gin (dossier_name_terms(applicant_name_norm, applicant_name_pairs));
DROP INDEX dossiers_name_terms;
DROP FUNCTION dossier_name_terms(text);
ANALYZE dossiers;
