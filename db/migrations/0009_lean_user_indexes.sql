-- (user_id, id) on events and on runs: every ingest commit wrote an entry in each per event, ~1.3 µs apiece of the
-- writer's ~27 µs (lib/ingest/write-events.ts). A user's newest runs are now read per status from runs_user_status_idx
-- and merged (lib/runs/query.ts); a user's events hook by hook from events_hook_idx plus, for events with no hook
-- (poll, schedule; never stored by the ingest writer), this partial index (lib/events/events.ts). Building it reads the
-- events table once.
DROP INDEX `events_user_idx`;--> statement-breakpoint
CREATE INDEX `events_user_hookless_idx` ON `events` (`user_id`,`id`) WHERE hook_id is null;--> statement-breakpoint
DROP INDEX `runs_user_idx`;