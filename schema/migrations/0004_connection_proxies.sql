CREATE TABLE "connection_proxies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"zone_id" uuid NOT NULL,
	"name" text NOT NULL,
	"public_url" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"last_seen_at" timestamp with time zone,
	"status" text DEFAULT 'online' NOT NULL,
	"poll_interval_ms" integer DEFAULT 5000 NOT NULL,
	"version" text,
	"connection_proxy_type" text DEFAULT 'GUAC' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"draining" boolean DEFAULT false NOT NULL,
	"cluster_size" integer DEFAULT 1 NOT NULL,
	"connections" integer DEFAULT 0 NOT NULL,
	"cpu_percent" double precision DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connection_proxies" ADD CONSTRAINT "connection_proxies_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "connection_proxies_zone_idx" ON "connection_proxies" USING btree ("zone_id");