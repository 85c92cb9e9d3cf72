-- (automation_id, id) on runs: an entry per run in every ingest commit (~1.3 µs of the writer's ~20 µs per event).
-- runs_automation_status_idx (automation_id, status, id, from 0002) serves an automation's newest runs, read per
-- status and merged (lib/runs/query.ts), and the automations list's newest run of each.
DROP INDEX `runs_automation_idx`;