-- CreateTable
CREATE TABLE "column_key_removals" (
    "table_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "column_id" UUID NOT NULL,
    "progress_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "column_key_removals_pkey" PRIMARY KEY ("table_id","key")
);

-- AddForeignKey
ALTER TABLE "column_key_removals" ADD CONSTRAINT "column_key_removals_table_id_fkey" FOREIGN KEY ("table_id") REFERENCES "tables"("id") ON DELETE CASCADE ON UPDATE CASCADE;
