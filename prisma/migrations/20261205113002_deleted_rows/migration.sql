-- Rows deleted through DELETE /rows keep their values here, one deletion_id per request, so
-- that POST /rows/restore (the grid's undo) can bring them back; purged after 30 days by the
-- retention pass (lib/rows/rows.ts purgeDeletedRows).
-- CreateTable
CREATE TABLE "deleted_rows" (
    "deletion_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "table_id" UUID NOT NULL,
    "position" BIGINT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deleted_rows_pkey" PRIMARY KEY ("table_id","deletion_id","id")
);

-- CreateIndex
CREATE INDEX "deleted_rows_deleted_at_idx" ON "deleted_rows"("deleted_at");

-- AddForeignKey
ALTER TABLE "deleted_rows" ADD CONSTRAINT "deleted_rows_table_id_fkey" FOREIGN KEY ("table_id") REFERENCES "tables"("id") ON DELETE CASCADE ON UPDATE CASCADE;
