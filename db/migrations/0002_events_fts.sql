-- Payload search over event bodies (run history "search"). A contentless FTS5 index keyed by the events rowid:
-- the text is not stored a second time (the body is already in events), and contentless_delete lets the delete
-- trigger remove a row by rowid alone. Only accepted events with a body are indexed (one FTS insert per event, inside
-- the ingest transaction). JSON/form bodies index their parsed JSON text; text bodies their raw text.
-- Note: the FTS rowid is the implicit rowid of events; the app only ever runs incremental vacuum, which keeps rowids.
CREATE VIRTUAL TABLE `events_fts` USING fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `events_fts_insert` AFTER INSERT ON `events`
WHEN new.outcome = 'accepted' AND new.body_parsed IS NOT NULL AND coalesce(new.body_kind, '') NOT IN ('binary', 'empty')
BEGIN
  INSERT INTO events_fts (rowid, body) VALUES (
    new.rowid,
    CASE WHEN new.body_kind = 'text' AND json_valid(new.body_parsed) THEN json_extract(new.body_parsed, '$') ELSE new.body_parsed END
  );
END;
--> statement-breakpoint
CREATE TRIGGER `events_fts_delete` AFTER DELETE ON `events`
WHEN old.outcome = 'accepted' AND old.body_parsed IS NOT NULL AND coalesce(old.body_kind, '') NOT IN ('binary', 'empty')
BEGIN
  DELETE FROM events_fts WHERE rowid = old.rowid;
END;
--> statement-breakpoint
INSERT INTO events_fts (rowid, body)
SELECT rowid, CASE WHEN body_kind = 'text' AND json_valid(body_parsed) THEN json_extract(body_parsed, '$') ELSE body_parsed END
FROM events
WHERE outcome = 'accepted' AND body_parsed IS NOT NULL AND coalesce(body_kind, '') NOT IN ('binary', 'empty');
--> statement-breakpoint
-- The "failed runs of one automation" page (and bulk retry) without scanning the automation's other runs.
CREATE INDEX `runs_automation_status_idx` ON `runs` (`automation_id`, `status`, `id`);
