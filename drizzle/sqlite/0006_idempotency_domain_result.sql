PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_idempotency_keys` (
	`sub` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`result` text,
	`status` integer,
	`body` text,
	`headers` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`sub`, `key`)
);
--> statement-breakpoint
-- Records kept so far hold the HTTP response (status, body, headers); result is null for them.
INSERT INTO `__new_idempotency_keys`("sub", "key", "request_hash", "result", "status", "body", "headers", "created_at") SELECT "sub", "key", "request_hash", NULL, "status", "body", "headers", "created_at" FROM `idempotency_keys`;--> statement-breakpoint
DROP TABLE `idempotency_keys`;--> statement-breakpoint
ALTER TABLE `__new_idempotency_keys` RENAME TO `idempotency_keys`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `idempotency_created` ON `idempotency_keys` (`created_at`);