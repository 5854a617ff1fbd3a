ALTER TABLE "servers" DROP CONSTRAINT "servers_zone_id_zones_id_fk";
--> statement-breakpoint
DROP INDEX "servers_pool_idx";--> statement-breakpoint
CREATE INDEX "servers_pool_idx" ON "servers" USING btree ("pool_id") WHERE "servers"."pool_id" is not null;--> statement-breakpoint
-- What the dropped foreign key checked row by row, checked once per statement over its new rows (a
-- 10,000-row import spent a third of its Postgres time on the per-row checks). Every zone must exist
-- and is share-locked, as a foreign key locks it, so it cannot be deleted before the transaction ends.
CREATE FUNCTION "servers_zone_exists"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "zones" WHERE "id" IN (SELECT DISTINCT "zone_id" FROM "new_rows") FOR KEY SHARE;
  IF EXISTS (SELECT 1 FROM "new_rows" n WHERE NOT EXISTS (SELECT 1 FROM "zones" z WHERE z."id" = n."zone_id")) THEN
    RAISE foreign_key_violation USING
      MESSAGE = 'insert or update on table "servers" violates foreign key constraint "servers_zone_id_zones_id_fk"',
      DETAIL = 'Key (zone_id) is not present in table "zones".',
      TABLE = 'servers', CONSTRAINT = 'servers_zone_id_zones_id_fk';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "servers_zone_insert" AFTER INSERT ON "servers" REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "servers_zone_exists"();
--> statement-breakpoint
CREATE TRIGGER "servers_zone_update" AFTER UPDATE ON "servers" REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "servers_zone_exists"();
--> statement-breakpoint
-- The foreign key's other half: a zone that servers are in cannot be deleted (ON DELETE RESTRICT).
CREATE FUNCTION "zones_keep_servers"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "servers" WHERE "zone_id" = OLD."id") THEN
    RAISE foreign_key_violation USING
      MESSAGE = 'update or delete on table "zones" violates foreign key constraint "servers_zone_id_zones_id_fk" on table "servers"',
      DETAIL = 'Key (id) is still referenced from table "servers".',
      TABLE = 'zones', CONSTRAINT = 'servers_zone_id_zones_id_fk';
  END IF;
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER "zones_keep_servers" BEFORE DELETE OR UPDATE OF "id" ON "zones" FOR EACH ROW EXECUTE FUNCTION "zones_keep_servers"();
