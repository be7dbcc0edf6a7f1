import type { DatabaseSync } from 'node:sqlite'

/*
 * The local side of team replication (app database migration; see storage/migrations.ts).
 *
 * team_state   key/value: `console_id` (random, made once per database file: the local ids
 *              it qualifies belong to this file, so a new history file is a new console),
 *              `target` (user@host:port/database the outbox is kept for; absent while no team
 *              database is in use) and `audit_shipped_seq` (the audit high-water mark).
 * team_outbox  the attempts written or changed since they were last shipped, with a version
 *              bumped on every change: the replicator deletes an entry only if its version is
 *              still the one it shipped, so an outcome written during a batch is shipped next.
 * The triggers fill the outbox only while a target is set: a console without a team database
 * keeps no outbox. Setting a target (outbox.ts attach) fills it with every attempt.
 * Written to be run again harmlessly (IF NOT EXISTS, the console id kept): a database whose
 * version was set back (trendQuery.test.ts does it) or a renumbering at merge must not fail.
 */
export function createTeamOutbox(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS team_state (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
    INSERT OR IGNORE INTO team_state (key, value) VALUES ('console_id', lower(hex(randomblob(16))));

    CREATE TABLE IF NOT EXISTS team_outbox (
      attempt_id INTEGER PRIMARY KEY,
      version    INTEGER NOT NULL
    ) STRICT;

    CREATE TRIGGER IF NOT EXISTS team_outbox_insert AFTER INSERT ON attempts
    WHEN EXISTS (SELECT 1 FROM team_state WHERE key = 'target')
    BEGIN
      INSERT INTO team_outbox (attempt_id, version) VALUES (new.id, 1)
        ON CONFLICT (attempt_id) DO UPDATE SET version = version + 1;
    END;

    CREATE TRIGGER IF NOT EXISTS team_outbox_update AFTER UPDATE ON attempts
    WHEN EXISTS (SELECT 1 FROM team_state WHERE key = 'target')
    BEGIN
      INSERT INTO team_outbox (attempt_id, version) VALUES (new.id, 1)
        ON CONFLICT (attempt_id) DO UPDATE SET version = version + 1;
    END;
  `)
}
