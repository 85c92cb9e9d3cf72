-- Events by receive time: every ingest commit wrote ~2 pages of this index (of ~53 for 16 events, 1 KB bodies), and
-- the two readers (pruning, the oldest event's time) now use id ranges on the primary key: ids sort by creation time
-- (lib/ids.ts, lib/runs/id-time.ts).
DROP INDEX `events_received_idx`;
