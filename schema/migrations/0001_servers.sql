CREATE TABLE "server_pools" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"type" text DEFAULT 'Server' NOT NULL,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "servers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"zone_id" uuid NOT NULL,
	"pool_id" uuid,
	"assigned_user_id" uuid,
	"windows_service_installed" boolean DEFAULT false NOT NULL,
	"connection_type" text NOT NULL,
	"credential_type" text NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"sso_username_domain" text,
	"connection_username" text,
	"connection_password_enc" text,
	"private_key_enc" text,
	"passphrase_enc" text,
	"use_user_private_key" boolean DEFAULT false NOT NULL,
	"connection_info" jsonb,
	"max_simultaneous_sessions" integer DEFAULT 1 NOT NULL,
	"max_simultaneous_users" integer DEFAULT 1 NOT NULL,
	"labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "servers" ADD CONSTRAINT "servers_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "servers" ADD CONSTRAINT "servers_pool_id_server_pools_id_fk" FOREIGN KEY ("pool_id") REFERENCES "public"."server_pools"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "servers" ADD CONSTRAINT "servers_assigned_user_id_users_id_fk" FOREIGN KEY ("assigned_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "server_pools_name_uq" ON "server_pools" USING btree ("name");--> statement-breakpoint
CREATE INDEX "servers_zone_idx" ON "servers" USING btree ("zone_id");--> statement-breakpoint
CREATE INDEX "servers_pool_idx" ON "servers" USING btree ("pool_id");--> statement-breakpoint
ALTER TABLE "images" ADD CONSTRAINT "images_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "images" ADD CONSTRAINT "images_server_pool_id_server_pools_id_fk" FOREIGN KEY ("server_pool_id") REFERENCES "public"."server_pools"("id") ON DELETE restrict ON UPDATE no action;