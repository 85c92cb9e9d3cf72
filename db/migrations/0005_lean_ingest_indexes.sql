-- Indexes that every ingest commit wrote and nothing read (lib/ingest/write-events.ts): runs by creation time
-- (time filters use id ranges, lib/runs/id-time.ts), and an entry per run job in the idempotency index (only alert
-- jobs carry a key). Together they were ~3.3 of the ~48 WAL pages a commit of 11 events wrote.
DROP INDEX `runs_created_idx`;--> statement-breakpoint
DROP INDEX `jobs_idempotency_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_idempotency_unique` ON `jobs` (`idempotency_key`) WHERE idempotency_key is not null;