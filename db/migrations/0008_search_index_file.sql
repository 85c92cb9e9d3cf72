-- The payload search index moves to a database file of its own (db/search-db.ts copies it there at startup and drops the
-- old table): indexing and FTS5's segment merges then never hold the write lock webhooks are committed under. Deleted
-- events are logged for the indexer to carry over, as a trigger cannot reach another database. The old trigger also
-- missed JSON events, whose body_parsed is NULL since they are stored once.
CREATE TABLE `search_deletes` (`seq` integer PRIMARY KEY, `event_rowid` integer NOT NULL);
--> statement-breakpoint
DROP TRIGGER IF EXISTS `events_fts_delete`;
--> statement-breakpoint
CREATE TRIGGER `events_search_delete` AFTER DELETE ON `events` WHEN old.outcome = 'accepted'
BEGIN
  INSERT INTO search_deletes (event_rowid) VALUES (old.rowid);
END;
