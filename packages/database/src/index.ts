export {
  DEFAULT_DIR,
  DEFAULT_PORT,
  type EmbeddedDatabase,
  ensureDatabaseExists,
  isListening,
  startEmbeddedPostgres,
} from "./embedded";
export {
  MIGRATIONS_DIR,
  type MigrateResult,
  type Migration,
  MigrationChecksumMismatch,
  migrate,
  readMigrations,
} from "./migrate";
