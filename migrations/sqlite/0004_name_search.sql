-- PostgreSQL's full-text index for name search has no counterpart here; the embedded
-- database keeps its query (store.ListDossiers).
SELECT 1;
