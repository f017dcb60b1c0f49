-- AlterTable
ALTER TABLE "workspace_cost_settings" ALTER COLUMN "confirm_threshold" DROP NOT NULL,
ALTER COLUMN "confirm_threshold" DROP DEFAULT;
