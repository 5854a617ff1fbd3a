CREATE TABLE "connect_token_uses" (
	"jti" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD COLUMN "sign_in_secret_enc" text;--> statement-breakpoint
ALTER TABLE "kasms" ADD COLUMN "server_id" uuid;--> statement-breakpoint
ALTER TABLE "kasms" ADD COLUMN "connection_proxy_id" uuid;--> statement-breakpoint
ALTER TABLE "user_attributes" ADD COLUMN "ssh_private_key_enc" text;--> statement-breakpoint
ALTER TABLE "kasms" ADD CONSTRAINT "kasms_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kasms" ADD CONSTRAINT "kasms_connection_proxy_id_connection_proxies_id_fk" FOREIGN KEY ("connection_proxy_id") REFERENCES "public"."connection_proxies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "kasms_server_idx" ON "kasms" USING btree ("server_id") WHERE "kasms"."server_id" is not null;