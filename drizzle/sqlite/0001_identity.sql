CREATE TABLE `revoked_tokens` (
	`token_id` text PRIMARY KEY NOT NULL,
	`sub` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `revoked_tokens_expires` ON `revoked_tokens` (`expires_at`);--> statement-breakpoint
CREATE TABLE `subject_revocations` (
	`sub` text PRIMARY KEY NOT NULL,
	`revoked_before` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`sub` text PRIMARY KEY NOT NULL,
	`name` text,
	`email` text,
	`picture` text,
	`is_admin` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `users_last_seen` ON `users` (`last_seen_at`,`sub`);