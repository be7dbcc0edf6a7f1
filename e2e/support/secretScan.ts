import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

export interface Needle {
  label: string
  value: string
}

export interface ScanResult {
  filesScanned: number
  bytesScanned: number
  /** Needles that must not be anywhere. */
  hits: { file: string; label: string }[]
  /** Files where the positive control was found: proof that the scan reads what it should. */
  controlFiles: string[]
}

/**
 * The value and the forms a server echoing it, or a careless encoder, would give it: JSON with
 * every character \u-escaped (and with `\/`), URL-encoded (encodeURIComponent, and every
 * character as %XX), each a needle of its own.
 */
export function escapedForms(needle: Needle): Needle[] {
  const { label, value } = needle
  const forms: Needle[] = [
    needle,
    { label: `${label} (JSON \\u)`, value: [...value].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('') },
    { label: `${label} (URL-encoded, every character)`, value: [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('') },
  ]
  if (encodeURIComponent(value) !== value) forms.push({ label: `${label} (URL-encoded)`, value: encodeURIComponent(value) })
  if (value.includes('/')) forms.push({ label: `${label} (JSON \\/)`, value: value.replaceAll('/', '\\/') })
  return forms
}

/** The base64 forms of `id:secret` (the Basic credentials): standard, unpadded, URL-safe. */
export function basicForms(label: string, clientId: string, clientSecret: string): Needle[] {
  const b64 = Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')
  const values = new Set([b64, b64.replace(/=+$/, ''), b64.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')])
  return [...values].map((value, i) => ({ label: `${label}${i ? ` (form ${i + 1})` : ''}`, value }))
}

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* files(path)
    else if (entry.isFile()) yield path
  }
}

/**
 * Byte-level search of every file under `root` (SQLite databases and their WAL, logs,
 * settings, exports, captured output) for secrets, in UTF-8 and UTF-16LE.
 */
export function scanForSecrets(root: string, needles: Needle[], control: string): ScanResult {
  const result: ScanResult = { filesScanned: 0, bytesScanned: 0, hits: [], controlFiles: [] }
  const encoded = needles.filter((n) => n.value.length >= 8).map((n) => ({ ...n, forms: [Buffer.from(n.value, 'utf8'), Buffer.from(n.value, 'utf16le')] }))
  const controlBytes = Buffer.from(control, 'utf8')
  for (const file of files(root)) {
    const bytes = readFileSync(file)
    result.filesScanned += 1
    result.bytesScanned += statSync(file).size
    const name = relative(root, file)
    for (const needle of encoded) {
      if (needle.forms.some((form) => bytes.includes(form))) result.hits.push({ file: name, label: needle.label })
    }
    if (bytes.includes(controlBytes)) result.controlFiles.push(name)
  }
  return result
}
