import type { DatabaseSync } from 'node:sqlite'

/**
 * Schema version 4, 'bulk runs' (issue 12). A run and every one of its rows are stored before
 * its first request. A row points at its one attempt (`attempt_id`, set in the same
 * transaction that begins the attempt), so the attempts table is unchanged.
 *
 * `attempt_id` has no foreign key on purpose: retention may delete an old attempt, and the
 * row must still say it was attempted (a row is sent at most once, whatever history keeps).
 * `owner_pid`: the process driving the run now, so another one can tell a run left behind by
 * a dead process (interrupted) from one that is running elsewhere.
 */
export function createBulkRunSchema(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE bulk_runs (
      id INTEGER PRIMARY KEY,
      file_name TEXT NOT NULL,
      file_fingerprint TEXT NOT NULL,
      environment TEXT NOT NULL,
      base_url TEXT NOT NULL,
      header TEXT NOT NULL,
      mapping TEXT NOT NULL,
      concurrency INTEGER NOT NULL,
      rate REAL,
      state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'cancelled', 'finished', 'interrupted')),
      created_at INTEGER NOT NULL,
      finished_at INTEGER,
      operator TEXT NOT NULL,
      retry_of_run INTEGER REFERENCES bulk_runs (id),
      owner_pid INTEGER
    ) STRICT;
    CREATE INDEX bulk_runs_fingerprint ON bulk_runs (file_fingerprint, id);

    CREATE TABLE bulk_rows (
      run_id INTEGER NOT NULL REFERENCES bulk_runs (id),
      row_number INTEGER NOT NULL, -- the line in the file (header = 1)
      payment_id TEXT NOT NULL,
      phone TEXT NOT NULL,
      transaction_ref TEXT NOT NULL,
      columns TEXT NOT NULL, -- the row's input cells, a JSON array in the header's order
      category TEXT NOT NULL,
      attempt_id INTEGER,
      state TEXT NOT NULL CHECK (state IN ('pending', 'skipped', 'attempted')),
      PRIMARY KEY (run_id, row_number),
      CHECK ((state = 'attempted') = (attempt_id IS NOT NULL))
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX bulk_rows_pending ON bulk_rows (run_id, state, row_number);
    CREATE INDEX bulk_rows_attempt ON bulk_rows (attempt_id) WHERE attempt_id IS NOT NULL;
  `)
}
