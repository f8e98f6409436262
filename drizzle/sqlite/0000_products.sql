CREATE TABLE `products` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`price_cents` integer NOT NULL,
	`image` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "products_price_range" CHECK("products"."price_cents" BETWEEN 0 AND 9999999),
	CONSTRAINT "products_title_length" CHECK(length("products"."title") BETWEEN 1 AND 50)
);
