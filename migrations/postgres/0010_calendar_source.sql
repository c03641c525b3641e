-- Where each stored year's calendar comes from (domain.CalendarKind): 'announced' (shipped in
-- calendars/, loaded on start or by `motcua calendar load`) or 'custom' (PUT by an admin, and
-- never replaced by a shipped year on start). Years not stored count with the statutory days
-- the service computes. The rows already stored were put either way: those whose source
-- names the notices the way every shipped file does are taken as announced, the rest as custom.
ALTER TABLE calendar_years ADD COLUMN kind TEXT NOT NULL DEFAULT 'custom';
UPDATE calendar_years SET kind = 'announced' WHERE source LIKE 'Bộ luật Lao động 2019 (45/2019/QH14)%';
