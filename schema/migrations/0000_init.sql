CREATE TABLE "agents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"zone_id" uuid NOT NULL,
	"name" text NOT NULL,
	"public_url" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"last_seen_at" timestamp with time zone,
	"status" text DEFAULT 'online' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"draining" boolean DEFAULT false NOT NULL,
	"cores" double precision DEFAULT 0 NOT NULL,
	"memory_bytes" bigint DEFAULT 0 NOT NULL,
	"gpus" integer DEFAULT 0 NOT NULL,
	"cores_override" double precision,
	"memory_override_bytes" bigint,
	"gpus_override" integer,
	"labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"images" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"poll_interval_ms" integer DEFAULT 5000 NOT NULL,
	"version" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_key_permissions" (
	"api_key_id" uuid NOT NULL,
	"permission" text NOT NULL,
	CONSTRAINT "api_key_permissions_api_key_id_permission_pk" PRIMARY KEY("api_key_id","permission")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"api_key" text NOT NULL,
	"secret_hash" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"read_only" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" uuid,
	"actor_api_key_id" uuid,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"request_id" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "auth_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"client_address" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "group_images" (
	"group_id" uuid NOT NULL,
	"image_id" uuid NOT NULL,
	CONSTRAINT "group_images_group_id_image_id_pk" PRIMARY KEY("group_id","image_id")
);
--> statement-breakpoint
CREATE TABLE "group_permissions" (
	"group_id" uuid NOT NULL,
	"permission" text NOT NULL,
	CONSTRAINT "group_permissions_group_id_permission_pk" PRIMARY KEY("group_id","permission")
);
--> statement-breakpoint
CREATE TABLE "group_settings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"name" text NOT NULL,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"priority" integer NOT NULL,
	"is_system" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "images" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"image_type" text DEFAULT 'Container' NOT NULL,
	"name" text,
	"friendly_name" text NOT NULL,
	"description" text,
	"image_src" text,
	"categories" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cores" real DEFAULT 2 NOT NULL,
	"memory" bigint DEFAULT 2768000000 NOT NULL,
	"gpu_count" integer DEFAULT 0 NOT NULL,
	"run_config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"exec_config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"persistent_profile_path" text,
	"volume_mappings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"restrict_to_zone" boolean DEFAULT false NOT NULL,
	"zone_id" uuid,
	"server_id" uuid,
	"server_pool_id" uuid,
	"include_labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"exclude_labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"link_url" text,
	"docker_registry" text,
	"docker_user" text,
	"docker_password_enc" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"hidden" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kasms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"image_id" uuid NOT NULL,
	"zone_id" uuid,
	"agent_id" uuid,
	"container_id" text,
	"status" text DEFAULT 'requested' NOT NULL,
	"operational_progress" integer DEFAULT 0 NOT NULL,
	"operational_message" text,
	"cores" double precision DEFAULT 0 NOT NULL,
	"memory_bytes" bigint DEFAULT 0 NOT NULL,
	"gpus" integer DEFAULT 0 NOT NULL,
	"session_token_hash" text,
	"share_id" text,
	"launch_spec" jsonb,
	"expires_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"keepalive_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_throttles" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_failure_at" timestamp with time zone NOT NULL,
	"blocked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "user_attributes" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"ssh_public_key" text,
	"default_image_id" uuid,
	"theme" text DEFAULT 'auto' NOT NULL,
	"preferred_language" text,
	"preferred_timezone" text,
	"show_tips" boolean DEFAULT true NOT NULL,
	"toggle_control_panel" boolean DEFAULT false NOT NULL,
	"auto_login_kasm" boolean DEFAULT false NOT NULL,
	"chat_sfx" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_groups" (
	"user_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	CONSTRAINT "user_groups_user_id_group_id_pk" PRIMARY KEY("user_id","group_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"password_hash" text,
	"password_set_at" timestamp with time zone,
	"first_name" text,
	"last_name" text,
	"phone" text,
	"organization" text,
	"notes" text,
	"realm" text DEFAULT 'local' NOT NULL,
	"locked" boolean DEFAULT false NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"last_session" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "zones" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"load_balancing_strategy" text DEFAULT 'least_load' NOT NULL,
	"search_alternate_zones" boolean DEFAULT false NOT NULL,
	"allow_origin_domain" text,
	"upstream_auth_address" text,
	"proxy_connections" boolean DEFAULT false NOT NULL,
	"proxy_hostname" text,
	"proxy_port" integer,
	"proxy_path" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registration_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"zone_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"description" text,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kasm_execs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kasm_id" uuid NOT NULL,
	"exec_config" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"exit_code" integer,
	"output" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "kasm_screenshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kasm_id" uuid NOT NULL,
	"width" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"jpeg_base64" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_key_permissions" ADD CONSTRAINT "api_key_permissions_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_images" ADD CONSTRAINT "group_images_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_images" ADD CONSTRAINT "group_images_image_id_images_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."images"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_permissions" ADD CONSTRAINT "group_permissions_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_settings" ADD CONSTRAINT "group_settings_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "images" ADD CONSTRAINT "images_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kasms" ADD CONSTRAINT "kasms_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kasms" ADD CONSTRAINT "kasms_image_id_images_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."images"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kasms" ADD CONSTRAINT "kasms_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kasms" ADD CONSTRAINT "kasms_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_attributes" ADD CONSTRAINT "user_attributes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_attributes" ADD CONSTRAINT "user_attributes_default_image_id_images_id_fk" FOREIGN KEY ("default_image_id") REFERENCES "public"."images"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_groups" ADD CONSTRAINT "user_groups_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_groups" ADD CONSTRAINT "user_groups_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_tokens" ADD CONSTRAINT "registration_tokens_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_tokens" ADD CONSTRAINT "registration_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kasm_execs" ADD CONSTRAINT "kasm_execs_kasm_id_kasms_id_fk" FOREIGN KEY ("kasm_id") REFERENCES "public"."kasms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kasm_screenshots" ADD CONSTRAINT "kasm_screenshots_kasm_id_kasms_id_fk" FOREIGN KEY ("kasm_id") REFERENCES "public"."kasms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agents_zone_idx" ON "agents" USING btree ("zone_id");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_api_key_uq" ON "api_keys" USING btree ("api_key");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "auth_sessions_user_idx" ON "auth_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "auth_sessions_expires_idx" ON "auth_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "group_images_image_idx" ON "group_images" USING btree ("image_id");--> statement-breakpoint
CREATE UNIQUE INDEX "group_settings_group_name_uq" ON "group_settings" USING btree ("group_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "groups_name_uq" ON "groups" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "groups_priority_uq" ON "groups" USING btree ("priority");--> statement-breakpoint
CREATE INDEX "kasms_user_idx" ON "kasms" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "kasms_status_idx" ON "kasms" USING btree ("status");--> statement-breakpoint
CREATE INDEX "kasms_agent_idx" ON "kasms" USING btree ("agent_id");--> statement-breakpoint
CREATE INDEX "user_groups_group_idx" ON "user_groups" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_uq" ON "users" USING btree (lower("username"));--> statement-breakpoint
CREATE UNIQUE INDEX "zones_name_uq" ON "zones" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "registration_tokens_hash_uq" ON "registration_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "registration_tokens_zone_idx" ON "registration_tokens" USING btree ("zone_id");--> statement-breakpoint
CREATE INDEX "kasm_execs_kasm_idx" ON "kasm_execs" USING btree ("kasm_id","status");