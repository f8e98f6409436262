CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`product_id` integer NOT NULL,
	`before` text,
	`after` text,
	`request_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_product` ON `audit_log` (`product_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_actor` ON `audit_log` (`actor`,`id`);--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`,`id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`sub` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer,
	`body` text,
	`headers` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`sub`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_created` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
ALTER TABLE `products` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `title_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Rows from before this migration: SQLite's lower() is ASCII-only, the app rewrites keys on change.
UPDATE `products` SET `title_key` = lower(`title`);--> statement-breakpoint
CREATE INDEX `products_title_key` ON `products` (`title_key`,`id`);--> statement-breakpoint
CREATE INDEX `products_price` ON `products` (`price_cents`,`id`);--> statement-breakpoint
CREATE INDEX `products_created` ON `products` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `products_updated` ON `products` (`updated_at`,`id`);