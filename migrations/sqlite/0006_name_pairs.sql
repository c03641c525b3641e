-- The word pairs of a folded name, for PostgreSQL's full-text name search (store.NamePairs).
-- The embedded database searches by LIKE alone and never reads them.
ALTER TABLE dossiers ADD COLUMN applicant_name_pairs TEXT NOT NULL DEFAULT '';
