-- A replayed answer (api/idempotency.go) carries the ETag the first one had (API.md: a
-- resource with a version returns it as ETag).
ALTER TABLE idempotency_keys ADD COLUMN etag TEXT NOT NULL DEFAULT '';
