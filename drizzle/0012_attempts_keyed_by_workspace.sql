-- The attempt logs distribute by workspace on Citus like every tenant table (DESIGN §10): their
-- primary keys include workspace_id.
ALTER TABLE "connector_dispatch_attempts" DROP CONSTRAINT "connector_dispatch_attempts_pkey";--> statement-breakpoint
ALTER TABLE "webhook_attempts" DROP CONSTRAINT "webhook_attempts_pkey";--> statement-breakpoint
ALTER TABLE "connector_dispatch_attempts" ADD CONSTRAINT "connector_dispatch_attempts_pk" PRIMARY KEY("workspace_id","id");--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_pk" PRIMARY KEY("workspace_id","id");
