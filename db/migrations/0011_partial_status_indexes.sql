-- Queued runs leave the two per-status indexes for a small one of their own. The ingest commit inserts every run as
-- queued, and its entry in (user_id, status, id) and (automation_id, status, id) went in the middle of each index,
-- before the later statuses, where a full leaf is rebalanced with both its neighbours: ~8 of a commit's ~36 WAL pages.
-- runs_queued_idx (user_id, id) takes them at the user's end instead. Queries read the partial indexes with their
-- WHERE term spelled out (NOT_QUEUED, db/schema/runs.ts).
DROP INDEX `runs_user_status_idx`;--> statement-breakpoint
CREATE INDEX `runs_queued_idx` ON `runs` (`user_id`,`id`) WHERE status = 'queued';--> statement-breakpoint
CREATE INDEX `runs_user_status_idx` ON `runs` (`user_id`,`status`,`id`) WHERE status <> 'queued';--> statement-breakpoint
DROP INDEX `runs_automation_status_idx`;--> statement-breakpoint
CREATE INDEX `runs_automation_status_idx` ON `runs` (`automation_id`, `status`, `id`) WHERE status <> 'queued';
