-- AlterTable
ALTER TABLE "enrichment_jobs" ADD COLUMN     "budget_reached" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "max_credits" DOUBLE PRECISION,
ADD COLUMN     "refresh" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "provider_calls" ADD COLUMN     "cached_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "workspace_cost_settings" (
    "workspace_id" TEXT NOT NULL,
    "monthly_credits" DOUBLE PRECISION,
    "confirm_threshold" DOUBLE PRECISION NOT NULL DEFAULT 100,
    "prices" JSONB NOT NULL DEFAULT '{}',
    "rate_limits" JSONB NOT NULL DEFAULT '{}',
    "cache_ttl_days" JSONB NOT NULL DEFAULT '{}',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workspace_cost_settings_pkey" PRIMARY KEY ("workspace_id")
);

-- CreateTable
CREATE TABLE "credit_budgets" (
    "key" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "limit_credits" DOUBLE PRECISION,
    "reserved" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "spent" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_budgets_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "credit_ledger" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "task_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "table_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "budget_keys" TEXT[],
    "reserved" DOUBLE PRECISION NOT NULL,
    "credits" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'reserved',
    "outcome" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "credit_ledger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_cache" (
    "workspace_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "result" JSONB,
    "fetched_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "provider_cache_pkey" PRIMARY KEY ("workspace_id","provider","key")
);

-- CreateTable
CREATE TABLE "rate_buckets" (
    "workspace_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "tat" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "rate_buckets_pkey" PRIMARY KEY ("workspace_id","provider")
);

-- CreateIndex
CREATE INDEX "credit_ledger_workspace_id_created_at_idx" ON "credit_ledger"("workspace_id", "created_at");

-- CreateIndex
CREATE INDEX "credit_ledger_workspace_id_provider_created_at_idx" ON "credit_ledger"("workspace_id", "provider", "created_at" DESC);

-- CreateIndex
CREATE INDEX "credit_ledger_job_id_idx" ON "credit_ledger"("job_id");

-- CreateIndex
CREATE UNIQUE INDEX "credit_ledger_task_id_provider_attempt_key" ON "credit_ledger"("task_id", "provider", "attempt");

-- AddForeignKey
ALTER TABLE "workspace_cost_settings" ADD CONSTRAINT "workspace_cost_settings_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
