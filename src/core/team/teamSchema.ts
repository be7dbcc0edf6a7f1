/*
 * The team database's schema (PostgreSQL 13+), as versioned migrations. Append only: a shipped
 * migration is never edited; a change is a new entry. `docs/team-schema.sql` is the same SQL
 * for a DBA (renderTeamSchemaSql(); teamSchema.test.ts keeps the file equal to it).
 *
 * consoles       one row per console (random console id, stable per data folder).
 * attempts       every console's attempts, keyed (console_id, local_id): local_id is the id
 *                in that console's SQLite history, so shipping is an idempotent upsert and an
 *                outcome that arrives later updates the row. Times are ms since the epoch, as
 *                in the local history. Columns hold the whole AttemptRecord (details, exports),
 *                plus machine, error_codes (the errors' codes, for the code filter),
 *                latency_key (the latency sort) and search_text (payment id, transaction
 *                reference lower-cased, phone; a trigram index narrows substring searches,
 *                the exact rule is re-checked on the row as locally). The JSON columns are
 *                `json` (not jsonb) so that the text is kept exactly as the console wrote it.
 *                Indexes serve the local history's query set: time, latency and operator
 *                (carrying the filtered columns, for index-only page keys: version 3), payment
 *                id, error code (rows with codes), search text.
 * attempt_day_counts, attempt_code_day_counts  attempts per UTC day × outcome × environment ×
 *                operator (× error code), kept by statement-level triggers on attempts: the
 *                History total without reading every matching row (teamCount.ts).
 * audit_entries  each console's audit chain as it is, keyed (console_id, seq); details is the
 *                canonical JSON exactly as hashed. Triggers refuse UPDATE, DELETE and TRUNCATE
 *                (for every role; a superuser can still disable them, which is what the
 *                per-console verification reveals).
 * team_schema_version  the versions applied (teamMigrate.ts).
 */

export interface TeamMigration {
  version: number
  name: string
  sql: string
}

export const TEAM_MIGRATIONS: readonly TeamMigration[] = [
  {
    version: 1,
    name: 'consoles, attempts, audit entries',
    sql: `CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE consoles (
  console_id  text PRIMARY KEY,
  machine     text NOT NULL,
  operator    text NOT NULL,
  app_version text NOT NULL,
  first_seen  timestamptz NOT NULL DEFAULT now(),
  last_seen   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE attempts (
  console_id        text NOT NULL REFERENCES consoles (console_id),
  local_id          bigint NOT NULL,
  started_at        bigint NOT NULL,
  finished_at       bigint,
  environment       text NOT NULL,
  base_url          text NOT NULL,
  channel           text NOT NULL,
  operator          text NOT NULL,
  machine           text NOT NULL,
  app_version       text NOT NULL,
  client_id         text NOT NULL,
  payment_id        text NOT NULL,
  phone             text NOT NULL,
  transaction_ref   text NOT NULL,
  signature_method  text NOT NULL,
  request_url       text NOT NULL,
  request_headers   json NOT NULL,
  request_body      text NOT NULL,
  http_status       integer,
  response_headers  json,
  response_body     text,
  outcome           text NOT NULL,
  errors            json NOT NULL,
  error_codes       text[] NOT NULL DEFAULT '{}',
  failure_reason    text,
  token_ms          integer,
  request_ms        integer,
  duration_ms       integer,
  clock_offset_ms   integer,
  retry_of          bigint,
  shipped_at        timestamptz NOT NULL DEFAULT now(),
  latency_key       integer GENERATED ALWAYS AS (coalesce(duration_ms, -1)) STORED,
  search_text       text GENERATED ALWAYS AS (payment_id || E'\\n' || lower(transaction_ref) || E'\\n' || phone) STORED,
  PRIMARY KEY (console_id, local_id)
);

CREATE INDEX attempts_started     ON attempts (started_at, console_id, local_id) INCLUDE (outcome, environment, operator);
CREATE INDEX attempts_latency     ON attempts (latency_key, started_at, console_id, local_id);
CREATE INDEX attempts_operator    ON attempts (operator, started_at, console_id, local_id);
CREATE INDEX attempts_outcome     ON attempts (outcome, started_at);
CREATE INDEX attempts_environment ON attempts (environment, started_at);
CREATE INDEX attempts_payment     ON attempts (payment_id, started_at);
CREATE INDEX attempts_codes       ON attempts USING gin (error_codes);
CREATE INDEX attempts_search      ON attempts USING gin (search_text gin_trgm_ops);

CREATE TABLE audit_entries (
  console_id  text NOT NULL REFERENCES consoles (console_id),
  seq         bigint NOT NULL,
  at          bigint NOT NULL,
  operator    text NOT NULL,
  machine     text NOT NULL,
  app_version text NOT NULL,
  action      text NOT NULL,
  summary     text NOT NULL,
  details     text NOT NULL,
  prev_hash   text NOT NULL,
  hash        text NOT NULL,
  shipped_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (console_id, seq)
);

CREATE FUNCTION team_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'The team audit trail is append-only (% refused).', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION team_audit_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION team_audit_append_only();`,
  },
  {
    // teamread: the team scope of the History view names a row by one number, as the local
    // history does (details, retry links); (console_id, local_id) stays the key the replicator
    // upserts on, and an upsert never changes the id.
    version: 2,
    name: 'team-wide attempt id',
    sql: `ALTER TABLE attempts ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
CREATE UNIQUE INDEX attempts_id ON attempts (id);`,
  },
  {
    // teamquery (issue 14, 1M rows): a history page looks its rows up in an index-only scan of
    // the index of its order (time, operator + time, latency), checking outcome, environment,
    // operator and error codes on the INCLUDE columns, not on the wide heap rows (the operator
    // index also carries the search rule's columns: a search in one operator's attempts is
    // checked on the index first, teamHistory.ts); the outcome and
    // environment indexes are left to that (fewer indexes for the replicator to keep), and the
    // codes index holds only the rows with codes (most have none: their inserts skip it). The
    // History total comes from count tables for the whole UTC days of a filter (as the local
    // history's attempt_day_counts), kept by statement-level triggers: one set-based upsert per
    // shipped batch, under an advisory lock so that concurrent batches never deadlock on them.
    version: 3,
    name: 'covering history indexes, day count tables',
    sql: `DROP INDEX attempts_outcome;
DROP INDEX attempts_environment;
DROP INDEX attempts_started;
DROP INDEX attempts_operator;
DROP INDEX attempts_latency;
DROP INDEX attempts_codes;
CREATE INDEX attempts_started ON attempts (started_at, console_id, local_id) INCLUDE (outcome, environment, operator, error_codes);
CREATE INDEX attempts_operator ON attempts (operator, started_at, console_id, local_id) INCLUDE (outcome, environment, error_codes, payment_id, transaction_ref, phone);
CREATE INDEX attempts_latency ON attempts (latency_key, started_at, console_id, local_id) INCLUDE (outcome, environment, operator, error_codes);
CREATE INDEX attempts_codes ON attempts USING gin (error_codes) WHERE error_codes <> '{}';

CREATE TABLE attempt_day_counts (
  day         integer NOT NULL,
  outcome     text NOT NULL,
  environment text NOT NULL,
  operator    text NOT NULL,
  n           bigint NOT NULL,
  PRIMARY KEY (day, outcome, environment, operator)
);

CREATE TABLE attempt_code_day_counts (
  code        text NOT NULL,
  day         integer NOT NULL,
  outcome     text NOT NULL,
  environment text NOT NULL,
  operator    text NOT NULL,
  n           bigint NOT NULL,
  PRIMARY KEY (code, day, outcome, environment, operator)
);

INSERT INTO attempt_day_counts (day, outcome, environment, operator, n)
  SELECT floor(started_at / 86400000.0)::integer, outcome, environment, operator, count(*) FROM attempts GROUP BY 1, 2, 3, 4;
INSERT INTO attempt_code_day_counts (code, day, outcome, environment, operator, n)
  SELECT c.code, floor(a.started_at / 86400000.0)::integer, a.outcome, a.environment, a.operator, count(*)
  FROM attempts a CROSS JOIN LATERAL unnest(a.error_codes) AS c(code) GROUP BY 1, 2, 3, 4, 5;

-- The rows a statement added (+1) and removed (-1), summed per count key, applied in key order.
CREATE FUNCTION team_attempt_counts() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  changes text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT started_at, outcome, environment, operator, error_codes, 1 AS d FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT started_at, outcome, environment, operator, error_codes, -1 AS d FROM old_rows'
    ELSE 'SELECT started_at, outcome, environment, operator, error_codes, -1 AS d FROM old_rows
      UNION ALL SELECT started_at, outcome, environment, operator, error_codes, 1 FROM new_rows'
  END;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('otp-console-team-counts'));
  EXECUTE format('INSERT INTO attempt_day_counts AS t (day, outcome, environment, operator, n)
    SELECT floor(c.started_at / 86400000.0)::integer, c.outcome, c.environment, c.operator, sum(c.d)
    FROM (%s) c GROUP BY 1, 2, 3, 4 HAVING sum(c.d) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, outcome, environment, operator) DO UPDATE SET n = t.n + excluded.n', changes);
  EXECUTE format('INSERT INTO attempt_code_day_counts AS t (code, day, outcome, environment, operator, n)
    SELECT k.code, floor(c.started_at / 86400000.0)::integer, c.outcome, c.environment, c.operator, sum(c.d)
    FROM (%s) c CROSS JOIN LATERAL unnest(c.error_codes) AS k(code) GROUP BY 1, 2, 3, 4, 5 HAVING sum(c.d) <> 0 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (code, day, outcome, environment, operator) DO UPDATE SET n = t.n + excluded.n', changes);
  RETURN NULL;
END
$fn$;

CREATE FUNCTION team_attempt_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM attempt_day_counts;
  DELETE FROM attempt_code_day_counts;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER attempts_count_insert AFTER INSERT ON attempts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION team_attempt_counts();
CREATE TRIGGER attempts_count_update AFTER UPDATE ON attempts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION team_attempt_counts();
CREATE TRIGGER attempts_count_delete AFTER DELETE ON attempts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION team_attempt_counts();
CREATE TRIGGER attempts_count_truncate AFTER TRUNCATE ON attempts
  FOR EACH STATEMENT EXECUTE FUNCTION team_attempt_counts_truncate();`,
  },
]

export const TEAM_SCHEMA_VERSION = TEAM_MIGRATIONS.length

/** The version table itself (created before any migration, by the app or the SQL file). */
export const VERSION_TABLE_SQL = `CREATE TABLE IF NOT EXISTS team_schema_version (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);`

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/** The SQL a DBA runs instead of letting the console migrate: docs/team-schema.sql. */
export function renderTeamSchemaSql(): string {
  const parts = [
    '-- OTP Enrollment Console: team database schema (PostgreSQL 13+).',
    '-- Generated from src/core/team/teamSchema.ts (a test keeps this file equal to it); run it as',
    '-- the owner of the database the consoles use, in one transaction:',
    '--   psql -v ON_ERROR_STOP=1 --single-transaction -f team-schema.sql <database>',
    '-- then grant the console role the privileges listed in the README (Team database).',
    '',
    VERSION_TABLE_SQL,
  ]
  for (const m of TEAM_MIGRATIONS) {
    parts.push('', `-- Version ${m.version}: ${m.name}`, m.sql, `INSERT INTO team_schema_version (version, name) VALUES (${m.version}, ${quoteLiteral(m.name)});`)
  }
  return `${parts.join('\n')}\n`
}
