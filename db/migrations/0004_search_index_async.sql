-- Payload search is indexed outside the ingest transaction (lib/runs/search-index.ts): tokenising the body doubled
-- the cost of storing an event. Everything stored so far was indexed by the trigger, so the indexer starts after it.
DROP TRIGGER IF EXISTS `events_fts_insert`;
--> statement-breakpoint
INSERT INTO `settings` (`key`, `value`) VALUES ('searchIndexedRowid', (SELECT coalesce(max(rowid), 0) FROM `events`))
ON CONFLICT (`key`) DO UPDATE SET `value` = excluded.`value`;
