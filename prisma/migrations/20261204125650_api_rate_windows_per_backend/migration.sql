-- AlterTable
ALTER TABLE "api_rate_windows" DROP CONSTRAINT "api_rate_windows_pkey",
ADD COLUMN     "shard" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "api_rate_windows_pkey" PRIMARY KEY ("key_id", "window_start", "shard");
