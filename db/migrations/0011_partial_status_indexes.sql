-- Queued runs leave the two per-status indexes for two small ones of their own. The ingest commit inserts every run
-- as queued, and its entry in (user_id, status, id) and (automation_id, status, id) went in the middle of each index,
-- before the later statuses, where a full leaf is rebalanced with both its neighbours. runs_queued_idx (user_id, id)
-- and runs_queued_automation_idx (automation_id, id) take them at the end of their range instead. Queries read the
-- partial indexes with their WHERE term spelled out (NOT_QUEUED, db/schema/runs.ts).
DROP INDEX `runs_user_status_idx`;--> statement-breakpoint
CREATE INDEX `runs_queued_idx` ON `runs` (`user_id`,`id`) WHERE status = 'queued';--> statement-breakpoint
CREATE INDEX `runs_queued_automation_idx` ON `runs` (`automation_id`,`id`) WHERE status = 'queued';--> statement-breakpoint
CREATE INDEX `runs_user_status_idx` ON `runs` (`user_id`,`status`,`id`) WHERE status <> 'queued';--> statement-breakpoint
DROP INDEX `runs_automation_status_idx`;--> statement-breakpoint
CREATE INDEX `runs_automation_status_idx` ON `runs` (`automation_id`, `status`, `id`) WHERE status <> 'queued';
