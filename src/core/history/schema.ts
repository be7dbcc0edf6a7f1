import type { DatabaseSync } from 'node:sqlite'

/*
 * History schema, version 1. Sized for 1,000,000 attempts: every list query under 50 ms and
 * the whole file under ~600 MB (bench/history.ts measures both).
 *
 * attempts — one row per attempt. Filter and list columns are plain; what only the detail
 *   view and exports read is kept small:
 *   - context_id → attempt_contexts: base URL, request URL, client id, app version and
 *     signature method repeat for thousands of attempts, so they are stored once (~150 B/row).
 *   - headers and bodies are stored so that reading a full record (exports) needs no
 *     decompression (an inflate call costs ~10 µs, 4 per row made a 1M export take 40 s):
 *     · request headers: Timestamp and Nonce (the only ones that vary; the CSV export's
 *       columns) are plain columns, the others (Content-Type, SignatureMethod…) a JSON object
 *       in attempt_texts, referred to by request_headers;
 *     · response headers: a template in attempt_texts (response_headers) of [name, value]
 *       pairs in which the values that vary per response (date, content-length…) are null,
 *       and those values as a JSON array in response_header_values (attemptTexts.ts); ~35 B/row;
 *     · response body: the body with the attempt's transaction reference and payment id
 *       replaced by marks is nearly always one of a few texts, kept in attempt_texts
 *       (response_body_template); any other body is a blobCodec.ts BLOB in response_body;
 *     · request_body is NULL when it is the canonical body (attemptRows.ts), i.e. nearly
 *       always, else a blobCodec.ts BLOB (deflate with a preset dictionary).
 *   attempt_texts holds at most MAX_TEXTS texts (attemptTexts.ts); should a server send
 *   headers or bodies that vary beyond that, they are stored whole per row.
 *   - errors stays JSON text: the status strip aggregates it with json_each().
 *
 * Indexes. Paging is keyset-based on (sort key, id). A random table row costs 5–20 µs to read at this size, an index
 * entry well under 1 µs, so filters are checked on index entries wherever possible:
 *   attempts_started   (started_at, id, outcome, environment, operator)
 *   attempts_latency   (latency_key, id, started_at, outcome, environment, operator)
 *       the two sort orders (id written out so that the index order is exactly the sort
 *       order, ties included); they also carry the low-cardinality filters, so a page reads
 *       the sort index in order and tests outcome/environment/operator/date on the entry,
 *       reading the table only for rows that pass. No separate outcome or environment
 *       index: with four values each, a value is rarely selective enough to beat this scan,
 *       and the pair would cost 50 MB.
 *   attempts_operator  (operator, started_at, id, outcome, environment)
 *       one operator's rows in time order, outcome and environment tested on the entry
 *   attempts_payment   (payment_id, started_at) exact payment id, chain, precheck
 * historyPlanner.ts picks the index to drive each query from.
 *
 * attempt_codes — the errors[].code of each attempt, keyed (code, started_at, attempt_id),
 *   with the attempt's outcome, environment and operator so that those filters are tested
 *   without reading the attempt. A child table rather than a ',10403,E26,' column: a
 *   LIKE '%,E26,%' cannot use an index, so a rare code would scan all rows; here it is a
 *   range read in time order. Rewritten by complete().
 *
 * attempt_day_counts — attempts per UTC day × outcome × environment × operator, kept by
 *   begin() and complete(). Counting the enrolled attempts of a year is then a sum over
 *   ~400 days instead of reading 700,000 index entries (120 ms); days cut by a date range
 *   are counted exactly from attempts_started (historyCount.ts).
 *
 * attempt_search — FTS5 trigram index over payment id, transaction reference and phone.
 *   Contentless and detail=none (rowids only, ~45 MB; ~150 MB with positions): a search asks
 *   for rows holding all of a few of its rarest trigrams (trigramPicker.ts), a superset, and
 *   every query re-checks the exact rule with instr() on the row. Searches under 3 characters
 *   have no trigram and use that row check alone (see searchText.ts). Attempts are deleted
 *   only by the retention purge (historyPurge.ts), which removes each row from the index
 *   with FTS5's 'delete' command and the text it was indexed with, so the table needs no
 *   contentless_delete support (which would cost a 10 MB size table).
 */
export function createHistorySchema(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE attempt_contexts (
      id               INTEGER PRIMARY KEY,
      base_url         TEXT NOT NULL,
      request_url      TEXT NOT NULL,
      client_id        TEXT NOT NULL,
      app_version      TEXT NOT NULL,
      signature_method TEXT NOT NULL,
      UNIQUE (base_url, request_url, client_id, app_version, signature_method)
    ) STRICT;

    CREATE TABLE attempt_texts (
      id   INTEGER PRIMARY KEY,
      text TEXT NOT NULL UNIQUE
    ) STRICT;

    CREATE TABLE attempts (
      id               INTEGER PRIMARY KEY,
      started_at       INTEGER NOT NULL,
      finished_at      INTEGER,
      environment      TEXT NOT NULL,
      channel          TEXT NOT NULL,
      operator         TEXT NOT NULL,
      payment_id       TEXT NOT NULL,
      phone            TEXT NOT NULL,
      transaction_ref  TEXT NOT NULL,
      outcome          TEXT NOT NULL,
      http_status      INTEGER,
      duration_ms      INTEGER,
      retry_of         INTEGER REFERENCES attempts (id),
      errors           TEXT NOT NULL DEFAULT '[]',
      failure_reason   TEXT,
      token_ms         INTEGER,
      request_ms       INTEGER,
      clock_offset_ms  INTEGER,
      context_id       INTEGER NOT NULL REFERENCES attempt_contexts (id),
      request_timestamp TEXT,
      request_nonce    TEXT,
      request_headers  INTEGER NOT NULL REFERENCES attempt_texts (id),
      request_body     BLOB,
      response_headers INTEGER REFERENCES attempt_texts (id),
      response_header_values TEXT,
      response_body_template INTEGER REFERENCES attempt_texts (id),
      response_body    BLOB,
      -- Sort key of the latency sorts: unknown attempts have no duration and sort as -1.
      latency_key      INTEGER GENERATED ALWAYS AS (ifnull(duration_ms, -1)) VIRTUAL
    ) STRICT;

    CREATE INDEX attempts_started  ON attempts (started_at, id, outcome, environment, operator);
    CREATE INDEX attempts_latency  ON attempts (latency_key, id, started_at, outcome, environment, operator);
    CREATE INDEX attempts_operator ON attempts (operator, started_at, id, outcome, environment);
    CREATE INDEX attempts_payment  ON attempts (payment_id, started_at);

    CREATE TABLE attempt_codes (
      code        TEXT NOT NULL,
      started_at  INTEGER NOT NULL,
      attempt_id  INTEGER NOT NULL REFERENCES attempts (id),
      outcome     TEXT NOT NULL,
      environment TEXT NOT NULL,
      operator    TEXT NOT NULL,
      PRIMARY KEY (code, started_at, attempt_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE attempt_day_counts (
      day         INTEGER NOT NULL, -- floor(started_at / 86 400 000), a UTC day
      outcome     TEXT NOT NULL,
      environment TEXT NOT NULL,
      operator    TEXT NOT NULL,
      n           INTEGER NOT NULL,
      PRIMARY KEY (day, outcome, environment, operator)
    ) STRICT, WITHOUT ROWID;

    CREATE VIRTUAL TABLE attempt_search USING fts5 (
      text, content = '', columnsize = 0, detail = none, tokenize = 'trigram'
    );
  `)
}
