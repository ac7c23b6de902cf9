/**
 * The SQLite run store's schema, as the steps that build it. A database records
 * how many steps it has had in `PRAGMA user_version`; opening it applies the rest.
 * Steps are only ever appended: a released step never changes.
 */
import type Database from 'better-sqlite3';

/** Marks a database as a weft run store (`PRAGMA application_id`): "weft" in ASCII. */
export const WEFT_APPLICATION_ID = 0x77656674;

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    workflow TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    duration_ms INTEGER,
    inputs TEXT NOT NULL,
    outputs TEXT NOT NULL,
    error TEXT,
    definition TEXT
  );
  CREATE INDEX runs_by_workflow ON runs (workflow);

  CREATE TABLE tasks (
    run_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (run_id, task_id)
  );

  CREATE TABLE logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    stream TEXT NOT NULL,
    line TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX logs_by_run ON logs (run_id, seq);
  CREATE INDEX logs_by_task ON logs (run_id, task_id, seq);

  CREATE TABLE durations (
    workflow TEXT NOT NULL,
    task_id TEXT NOT NULL,
    estimate_ms REAL NOT NULL,
    samples INTEGER NOT NULL,
    PRIMARY KEY (workflow, task_id)
  );

  CREATE TABLE leases (
    run_id TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );

  PRAGMA application_id = ${WEFT_APPLICATION_ID};
  `,
];

/** The schema version this code writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema up to SCHEMA_VERSION in one write transaction, so two
 * processes opening a new file at once apply each step exactly once. Returns the
 * version found, which the caller has already checked is not newer than ours.
 */
export function migrate(db: Database.Database): number {
  const apply = db.transaction(() => {
    const found = schemaVersion(db);
    for (let version = found; version < SCHEMA_VERSION; version++) db.exec(MIGRATIONS[version]!);
    if (found < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return found;
  });
  return apply.immediate();
}
