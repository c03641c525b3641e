-- The PostgreSQL indexes of this version serve query shapes that only PostgreSQL uses
-- (store.ListDossiers); the embedded database keeps its indexes as they are.
SELECT 1;
