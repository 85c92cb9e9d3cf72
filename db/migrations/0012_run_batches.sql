-- An ingest commit queues its runs as one row of run_batches, a rowid table with no other index, instead of one jobs
-- row, which also wrote the jobs table's three index b-trees (id, due_at, run_id) in the commit every answer waits
-- for. Batches still queued as jobs move over, in their order; a claim turns them into run jobs as before.
CREATE TABLE `run_batches` (
	`seq` integer PRIMARY KEY NOT NULL,
	`run_ids` text NOT NULL,
	`due_at` integer NOT NULL
);--> statement-breakpoint
INSERT INTO `run_batches` (`run_ids`, `due_at`) SELECT `payload`, `due_at` FROM `jobs` WHERE `kind` = 'runs' ORDER BY `due_at`, `id`;--> statement-breakpoint
DELETE FROM `jobs` WHERE `kind` = 'runs';
