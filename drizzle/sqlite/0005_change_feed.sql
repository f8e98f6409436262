CREATE TABLE `change_feed` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_position` integer NOT NULL,
	`purged_through` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `product_changes` (
	`product_id` integer PRIMARY KEY NOT NULL,
	`position` integer NOT NULL,
	`deleted` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `product_changes_position` ON `product_changes` (`position`);--> statement-breakpoint
CREATE INDEX `product_changes_tombstones` ON `product_changes` (`at`) WHERE "product_changes"."deleted" = 1;--> statement-breakpoint
-- Backfill: every existing product is a change, so a client starting from the beginning gets the catalogue.
INSERT INTO `product_changes` (`product_id`, `position`, `deleted`, `at`) SELECT `id`, `id`, 0, `updated_at` FROM `products`;--> statement-breakpoint
INSERT INTO `change_feed` (`id`, `last_position`, `purged_through`) VALUES (1, coalesce((SELECT max(`id`) FROM `products`), 0), 0);
