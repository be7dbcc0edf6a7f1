import type { DatabaseSync } from 'node:sqlite'

/*
 * Audit schema, version 1 (of the app database; see storage/migrations.ts).
 * seq is assigned by the writer (last + 1, under BEGIN IMMEDIATE), not by AUTOINCREMENT,
 * because it is part of the hashed content. details holds canonical JSON exactly as hashed.
 * The triggers stop the app (or a careless script) from rewriting history; someone editing
 * the file deliberately can drop them, which is what the hash chain is there to reveal.
 */
export function createAuditSchema(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE audit (
      seq         INTEGER PRIMARY KEY,
      at          INTEGER NOT NULL,
      operator    TEXT NOT NULL,
      machine     TEXT NOT NULL,
      app_version TEXT NOT NULL,
      action      TEXT NOT NULL,
      summary     TEXT NOT NULL,
      details     TEXT NOT NULL,
      prev_hash   TEXT NOT NULL,
      hash        TEXT NOT NULL
    ) STRICT;

    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only.'); END;

    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only.'); END;
  `)
}
