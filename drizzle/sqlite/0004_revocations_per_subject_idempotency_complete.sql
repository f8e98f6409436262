PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_idempotency_keys` (
	`sub` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`headers` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`sub`, `key`)
);
--> statement-breakpoint
-- A record whose request never finished (the old "in progress" state) is dropped: its key is free again.
INSERT INTO `__new_idempotency_keys`("sub", "key", "request_hash", "status", "body", "headers", "created_at") SELECT "sub", "key", "request_hash", "status", "body", coalesce("headers", '{}'), "created_at" FROM `idempotency_keys` WHERE "status" IS NOT NULL AND "body" IS NOT NULL;--> statement-breakpoint
DROP TABLE `idempotency_keys`;--> statement-breakpoint
ALTER TABLE `__new_idempotency_keys` RENAME TO `idempotency_keys`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `idempotency_created` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `__new_revoked_tokens` (
	`sub` text NOT NULL,
	`token_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`sub`, `token_id`)
);
--> statement-breakpoint
INSERT INTO `__new_revoked_tokens`("sub", "token_id", "expires_at") SELECT "sub", "token_id", "expires_at" FROM `revoked_tokens`;--> statement-breakpoint
DROP TABLE `revoked_tokens`;--> statement-breakpoint
ALTER TABLE `__new_revoked_tokens` RENAME TO `revoked_tokens`;--> statement-breakpoint
CREATE INDEX `revoked_tokens_expires` ON `revoked_tokens` (`expires_at`);