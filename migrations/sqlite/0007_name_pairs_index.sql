-- PostgreSQL's full-text index for name search has no counterpart here.
SELECT 1;
