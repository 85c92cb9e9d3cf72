CREATE TABLE `destinations` (
	`host` text PRIMARY KEY NOT NULL,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`paused_until` integer,
	`manually_paused` integer DEFAULT false NOT NULL,
	`last_failure_at` integer,
	`last_success_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `steps` ADD `attempt_base` integer DEFAULT 0 NOT NULL;