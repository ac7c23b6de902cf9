/**
 * Opens the SQLite file behind a run store, refusing anything it must not write
 * to: a damaged or non-SQLite file, another program's database, or a store from
 * a newer weft. Each refusal is checked before the first write, so a refused
 * file is left exactly as it was.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, StoreErrorCodes } from '../errors.js';
import { migrate, SCHEMA_VERSION, schemaVersion, WEFT_APPLICATION_ID } from './migrations.js';

/** How long a write waits for another process's write to finish before failing. */
const BUSY_TIMEOUT_MS = 10_000;

const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

export function openStoreDatabase(file: string): Database.Database {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw unavailable(file, error);
  }
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw unavailable(file, error);
  }
  try {
    checkCanWrite(db, file);
    // WAL lets `weft logs --follow` and `weft runs` read while a run writes.
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL syncs at checkpoints only: a killed process loses nothing
    // (its commits are in the WAL already), and the file stays consistent after a
    // power cut, which may at worst forget the last few commits. Syncing every
    // commit (FULL) would make each task state change cost a disk flush.
    db.pragma('synchronous = NORMAL');
    // A task changes state several times; checkpointing every 1000 pages (the
    // default) made a quarter of each commit's cost. The WAL grows to about 40 MB
    // between checkpoints and is cut back to 64 MB after one.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma(`journal_size_limit = ${64 * 2 ** 20}`);
    const found = migrate(db);
    if (found > SCHEMA_VERSION) throw newerSchema(file, found);
    return db;
  } catch (error) {
    db.close();
    throw translate(file, error);
  }
}

function checkCanWrite(db: Database.Database, file: string): void {
  const version = schemaVersion(db);
  if (version > SCHEMA_VERSION) throw newerSchema(file, version);
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (applicationId === WEFT_APPLICATION_ID) return;
  const tables = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get() as number;
  if (version !== 0 || applicationId !== 0 || tables > 0) {
    throw new StoreError(
      StoreErrorCodes.NOT_A_STORE,
      file,
      `${file} is a SQLite database, but not a weft run store; weft leaves it alone. Give another path with --store or WEFT_STORE.`,
    );
  }
}

function newerSchema(file: string, found: number): StoreError {
  return new StoreError(
    StoreErrorCodes.NEWER_SCHEMA,
    file,
    `${file} has run store schema version ${found}, but this weft knows only up to version ${SCHEMA_VERSION}; ` +
      'upgrade weft to read it, or give another path with --store. The file was not changed.',
  );
}

/** SQLite's own errors, as StoreErrors that name the file. */
function translate(file: string, error: unknown): unknown {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CORRUPT_CODES.has(code)) {
    return new StoreError(
      StoreErrorCodes.CORRUPT,
      file,
      `${file} is not a weft run store: SQLite says "${(error as Error).message}". ` +
        'weft leaves it alone; move it aside (or restore a backup) and run again, or give another path with --store.',
      { cause: error },
    );
  }
  return unavailable(file, error);
}

function unavailable(file: string, error: unknown): StoreError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError(
    StoreErrorCodes.UNAVAILABLE,
    file,
    `cannot open the run store ${file}: ${reason}. Check that the path is writable, or give another with --store.`,
    { cause: error },
  );
}
