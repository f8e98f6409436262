CREATE SEQUENCE "public"."product_change_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "change_feed" (
	"id" smallint PRIMARY KEY NOT NULL,
	"purged_xid" bigint NOT NULL,
	"purged_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "product_changes" (
	"product_id" bigint PRIMARY KEY NOT NULL,
	"xid" bigint NOT NULL,
	"seq" bigint NOT NULL,
	"deleted" boolean NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "product_changes_position" ON "product_changes" USING btree ("xid","seq");--> statement-breakpoint
CREATE INDEX "product_changes_tombstones" ON "product_changes" USING btree ("at") WHERE "product_changes"."deleted";--> statement-breakpoint
-- Backfill: every existing product is a change, so a client starting from the beginning gets the catalogue.
INSERT INTO "product_changes" ("product_id", "xid", "seq", "deleted", "at")
  SELECT "id", pg_current_xact_id()::text::bigint, nextval('product_change_seq'), false, "updated_at" FROM (SELECT "id", "updated_at" FROM "products" ORDER BY "id") AS existing;--> statement-breakpoint
INSERT INTO "change_feed" ("id", "purged_xid", "purged_seq") VALUES (1, 0, 0);
