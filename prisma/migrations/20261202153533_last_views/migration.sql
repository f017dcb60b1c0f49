-- CreateTable
CREATE TABLE "last_views" (
    "user_id" TEXT NOT NULL,
    "table_id" UUID NOT NULL,
    "view_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "last_views_pkey" PRIMARY KEY ("user_id","table_id")
);

-- CreateIndex
CREATE INDEX "last_views_table_id_idx" ON "last_views"("table_id");

-- CreateIndex
CREATE INDEX "last_views_view_id_idx" ON "last_views"("view_id");

-- AddForeignKey
ALTER TABLE "last_views" ADD CONSTRAINT "last_views_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "last_views" ADD CONSTRAINT "last_views_table_id_fkey" FOREIGN KEY ("table_id") REFERENCES "tables"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "last_views" ADD CONSTRAINT "last_views_view_id_fkey" FOREIGN KEY ("view_id") REFERENCES "table_views"("id") ON DELETE SET NULL ON UPDATE CASCADE;
