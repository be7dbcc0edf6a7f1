import type { StatementCache } from './statementCache.ts'

// attempt_texts (schema.ts): texts that repeat across thousands of attempts — the request's
// fixed headers, response header templates, response body templates — stored once and
// referred to by id, so that reading a full record needs no decompression (an inflate call
// costs ~10 µs; a cached template a Map lookup). Ids are cached once read back as committed
// (as in attemptContexts.ts): one inserted by a transaction that rolls back is never reused.

/** Most texts kept: beyond it, varying parts that escaped templating are stored per row instead. */
export const MAX_TEXTS = 10_000

export interface TextRegistry {
  /**
   * The id of `text`, inserting it if new. Call inside the write transaction. `capped`: when
   * the table already holds MAX_TEXTS texts and this one is new, returns null (store it per row).
   */
  idFor(text: string, capped: boolean): number | null
  get(id: number): string
  /** A value derived from the text of `id`, computed once (template parsing). */
  derived<T>(id: number, kind: string, derive: (text: string) => T): T
}

export function createTextRegistry(statements: StatementCache): TextRegistry {
  const ids = new Map<string, number>()
  const texts = new Map<number, string>()
  const derivedValues = new Map<string, Map<number, unknown>>()

  function get(id: number): string {
    const cached = texts.get(id)
    if (cached !== undefined) return cached
    const row = statements.get('SELECT text FROM attempt_texts WHERE id = ?').get(id) as { text: string } | undefined
    if (!row) throw new Error(`History is damaged: stored text #${id} is missing.`)
    texts.set(id, row.text)
    return row.text
  }

  return {
    idFor(text, capped) {
      const cached = ids.get(text)
      if (cached !== undefined) return cached
      const found = statements.get('SELECT id FROM attempt_texts WHERE text = ?').get(text) as { id: number } | undefined
      if (found) {
        ids.set(text, found.id)
        return found.id
      }
      if (capped) {
        const { n } = statements.get('SELECT ifnull(max(id), 0) AS n FROM attempt_texts').get() as { n: number }
        if (n >= MAX_TEXTS) return null
      }
      return Number(statements.get('INSERT INTO attempt_texts (text) VALUES (?)').run(text).lastInsertRowid)
    },
    get,
    derived<T>(id: number, kind: string, derive: (text: string) => T): T {
      let byId = derivedValues.get(kind)
      if (!byId) derivedValues.set(kind, (byId = new Map()))
      if (byId.has(id)) return byId.get(id) as T
      const value = derive(get(id))
      byId.set(id, value)
      return value
    },
  }
}

// ---- Response headers: a template of [name, value | null] pairs (null: the value is per row).

/** Response headers whose values change from response to response; their values are stored per row. */
const VARYING_HEADERS: ReadonlySet<string> = new Set([
  'date',
  'content-length',
  'age',
  'etag',
  'last-modified',
  'set-cookie',
  'x-request-id',
  'x-correlation-id',
  'request-id',
  'x-amzn-requestid',
  'x-amz-cf-id',
  'cf-ray',
])

export interface StoredHeaders {
  /** Template id; null when the headers are stored whole in `values`. */
  template: number | null
  /** JSON: the per-row values in template order, or (no template) the headers object itself. */
  values: string
}

export function encodeResponseHeaders(headers: Record<string, string>, registry: TextRegistry): StoredHeaders {
  const pairs: [string, string | null][] = []
  const values: string[] = []
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue
    const value = headers[name] as string
    if (VARYING_HEADERS.has(name.toLowerCase())) {
      pairs.push([name, null])
      values.push(value)
    } else pairs.push([name, value])
  }
  const template = registry.idFor(JSON.stringify(pairs), true)
  return template === null ? { template: null, values: JSON.stringify(headers) } : { template, values: JSON.stringify(values) }
}

interface HeaderTemplate {
  /** The headers with their fixed values, and '' where a row's value goes (copied per row). */
  base: Record<string, string>
  /** The names whose values are per row, in order. */
  varying: string[]
  /** A name a plain object cannot hold as its own property: decoded pair by pair instead. */
  plain: boolean
}

const parseHeaderTemplate = (text: string): HeaderTemplate => {
  const pairs = JSON.parse(text) as [string, string | null][]
  const base: Record<string, string> = {}
  const varying: string[] = []
  for (const [name, value] of pairs) {
    base[name] = value ?? ''
    if (value === null) varying.push(name)
  }
  return { base, varying, plain: !pairs.some(([name]) => name === '__proto__') }
}

export function decodeResponseHeaders(template: number | null, values: string, registry: TextRegistry): Record<string, string> {
  if (template === null) return JSON.parse(values) as Record<string, string>
  const { base, varying, plain } = registry.derived(template, 'headers', parseHeaderTemplate)
  const rowValues = JSON.parse(values) as string[]
  if (!plain) return decodePairs(registry.get(template), rowValues)
  // A copy of the template object keeps its key order and its shape (one fast clone), then the
  // row's values go where they belong.
  const headers = { ...base }
  for (let i = 0; i < varying.length; i++) headers[varying[i] as string] = rowValues[i] as string
  return headers
}

/** The pair-by-pair decoding, for a template naming `__proto__` (kept as an own property, as the response had it). */
function decodePairs(template: string, rowValues: string[]): Record<string, string> {
  const headers: Record<string, string> = {}
  let next = 0
  for (const [name, value] of JSON.parse(template) as [string, string | null][]) {
    Object.defineProperty(headers, name, { value: value ?? rowValues[next++], enumerable: true, writable: true, configurable: true })
  }
  return headers
}

// ---- Response bodies: the attempt's transaction reference and payment id, which most bodies
// echo, are replaced by placeholders; the rest is nearly always one of a few texts.

const REF_MARK = '\u0001'
const PAYMENT_MARK = '\u0002'
const hasMark = (text: string): boolean => text.includes(REF_MARK) || text.includes(PAYMENT_MARK)

interface BodyKeys {
  transactionRef: string
  paymentId: string
}

/** The template id of `body`, or null when it must be stored as is. */
export function bodyTemplateId(body: string, keys: BodyKeys, registry: TextRegistry): number | null {
  // Exact inversion needs the marks to occur nowhere but where a value was replaced.
  if (hasMark(body) || hasMark(keys.transactionRef) || hasMark(keys.paymentId)) return null
  let template = body
  if (keys.transactionRef !== '') template = template.replaceAll(keys.transactionRef, REF_MARK)
  if (keys.paymentId !== '') template = template.replaceAll(keys.paymentId, PAYMENT_MARK)
  return registry.idFor(template, true)
}

/** A body template cut at its marks: texts[0], mark 0, texts[1], mark 1, … texts[n]. */
interface BodyParts {
  texts: string[]
  marks: string[]
}

function splitAtMarks(template: string): BodyParts {
  const texts: string[] = []
  const marks: string[] = []
  let start = 0
  for (let i = 0; i < template.length; i++) {
    const ch = template[i] as string
    if (ch === REF_MARK || ch === PAYMENT_MARK) {
      texts.push(template.slice(start, i))
      marks.push(ch)
      start = i + 1
    }
  }
  texts.push(template.slice(start))
  return { texts, marks }
}

/** The body of a row: its template with the row's values where the marks are (the template is cut once). */
export function bodyFromTemplate(template: number, keys: BodyKeys, registry: TextRegistry): string {
  const { texts, marks } = registry.derived(template, 'body-parts', splitAtMarks)
  let body = texts[0] as string
  for (let i = 0; i < marks.length; i++) body += (marks[i] === REF_MARK ? keys.transactionRef : keys.paymentId) + (texts[i + 1] as string)
  return body
}
