import { hash } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import type { AuditHead } from '../../shared/domain/audit.ts'
import type { SecretStore } from '../credentials/secretStore.ts'

// The trail's anchor in the OS keychain: its key and its head, one item each, named by the
// trail's id (kept in the trail's first keyed entry), so several data folders can share one
// keychain service without sharing a key.
//
// THE HEAD RULE. A row is committed to SQLite first; the head (seq and hash of the newest
// entry) is written to the keychain afterwards, in the background: one write at a time, and
// only the newest entry waiting (coalescing), so an enrollment never waits for the keychain.
// The head may therefore LAG the table (by the entries of the last moments, or for good after
// a crash between the row and the keychain write) but is NEVER AHEAD of it. Verification:
//   - head seq > newest seq in the file       → the tail was cut ("entries after #N are missing");
//   - the entry at head seq has another hash  → the chain was rewritten;
//   - head seq ≤ newest seq, hash matches     → intact, provided the entries after the head
//                                               verify under the key (a lagging head is fine).
// What this leaves open: entries written after the last head write could be cut unseen; the
// head normally follows within milliseconds.

/** Every keychain account of the audit trail starts with this. */
export const AUDIT_ACCOUNT_PREFIX = 'audit:'
export const keyAccount = (trail: string): string => `${AUDIT_ACCOUNT_PREFIX}key:${trail}`
export const headAccount = (trail: string): string => `${AUDIT_ACCOUNT_PREFIX}head:${trail}`

/**
 * Which trail a data folder's database holds, kept in the keychain too: a file whose keyed
 * part was removed or rewritten as a plain SHA-256 chain (no `audit.keyed` entry, or another
 * one) is still checked against the trail the keychain knows for it.
 */
export function folderAccount(databasePath: string): string {
  let location = resolve(databasePath)
  try {
    location = realpathSync(location)
  } catch {
    // not created yet: the resolved path names it
  }
  return `${AUDIT_ACCOUNT_PREFIX}folder:${hash('sha256', location, 'hex').slice(0, 24)}`
}

export function serialiseHead(head: AuditHead): string {
  return JSON.stringify({ v: 1, trail: head.trail, keyId: head.keyId, keyedFrom: head.keyedFrom, seq: head.seq, hash: head.hash })
}

/** The head as stored, or undefined when the item is absent or not a head this app wrote. */
export function parseHead(raw: string | undefined): AuditHead | undefined {
  if (raw === undefined) return undefined
  try {
    const h = JSON.parse(raw) as Record<string, unknown>
    if (h.v !== 1 || typeof h.trail !== 'string' || typeof h.keyId !== 'string' || typeof h.hash !== 'string') return undefined
    if (!Number.isSafeInteger(h.keyedFrom) || !Number.isSafeInteger(h.seq)) return undefined
    return { trail: h.trail, keyId: h.keyId, keyedFrom: h.keyedFrom as number, seq: h.seq as number, hash: h.hash }
  } catch {
    return undefined
  }
}

/** The key as stored (base64); any other value decodes to bytes whose fingerprint will not match. */
export async function readKey(store: SecretStore, trail: string): Promise<Buffer | undefined> {
  const raw = await store.get(keyAccount(trail))
  return raw === undefined ? undefined : Buffer.from(raw, 'base64')
}

export interface HeadWriter {
  /** Called after the entry's row is committed. */
  advance(seq: number, hash: string): void
  /**
   * Called for an entry written inside a transaction the caller opened: the head names it only
   * once `committed` finds it in the file (checked one turn later; a rolled-back entry is dropped).
   */
  advanceWhenCommitted(seq: number, hash: string): void
  /** Resolves once every advance so far has reached the keychain (or failed). */
  flush(): Promise<void>
}

/** Where an entry written inside a caller's transaction stands. */
export type EntryState = 'committed' | 'absent' | 'in-transaction'

/**
 * Writes the head in the background, serialised and coalescing (see THE HEAD RULE): one
 * keychain write per burst of entries. The console and the CLI appending to the same trail may
 * each write the head last, so it can briefly name an older entry than the newest: a lagging
 * head, which the rule allows; it is never ahead, since only committed entries are written.
 */
export function createHeadWriter(
  store: SecretStore,
  base: Pick<AuditHead, 'trail' | 'keyId' | 'keyedFrom'>,
  onError: (error: unknown) => void,
  committed: (seq: number, hash: string) => EntryState = () => 'committed',
): HeadWriter {
  let pending: { seq: number; hash: string; check: boolean } | null = null
  let running: Promise<void> | null = null
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

  async function pump(): Promise<void> {
    // One turn later: what the caller does next (an enrollment sends its request right after
    // recording the attempt) goes first, and the keychain write overlaps it instead of delaying it.
    await nextTurn()
    while (pending) {
      const next = pending
      if (next.check) {
        const state = committed(next.seq, next.hash)
        if (state === 'in-transaction') {
          await nextTurn()
          continue
        }
        if (state === 'absent') {
          if (pending === next) pending = null
          continue
        }
      }
      pending = null
      try {
        await store.set(headAccount(base.trail), serialiseHead({ ...base, seq: next.seq, hash: next.hash }))
      } catch (error) {
        onError(error)
      }
    }
    running = null
  }

  function advanceTo(seq: number, hash: string, check: boolean) {
    if (!pending || seq > pending.seq) pending = { seq, hash, check }
    running ??= pump()
  }

  return {
    advance: (seq, hash) => advanceTo(seq, hash, false),
    advanceWhenCommitted: (seq, hash) => advanceTo(seq, hash, true),
    flush: () => running ?? Promise.resolve(),
  }
}
