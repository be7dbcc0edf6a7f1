import { readFile } from 'node:fs/promises'
import { realpathSync, statSync } from 'node:fs'
import { extname, isAbsolute, relative, resolve } from 'node:path'

// The renderer is served from `app://console/…` (a privileged standard scheme registered in
// src/main/electron/app.ts) instead of file://, so the page has a real origin and can reach
// nothing on disk but the built renderer folder. This module is the whole path rule, in plain
// Node so it is tested without Electron.

export const APP_SCHEME = 'app'
export const APP_HOST = 'console'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

export type AppFileResolution = { ok: true; file: string } | { ok: false; status: 403 | 404; reason: string }

const refuse = (reason: string, status: 403 | 404 = 403): AppFileResolution => ({ ok: false, status, reason })

/** True when `path` is `root` itself or below it (both absolute). */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * Maps an app:// URL to a file under `rootDir`, or says why not. Refused: other schemes or
 * hosts, undecodable escapes, `.`/`..` segments (plain or percent-encoded), backslashes, NUL,
 * empty segments (`//etc/passwd`), drive letters, and any path whose real location (symlinks
 * resolved) is outside the real `rootDir`.
 */
export function resolveAppFile(rootDir: string, requestUrl: string): AppFileResolution {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return refuse('not a URL')
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse('not the app origin')
  let path: string
  try {
    path = decodeURIComponent(url.pathname)
  } catch {
    return refuse('bad percent-encoding')
  }
  if (path.includes('\0') || path.includes('\\')) return refuse('backslash or NUL in path')
  const segments = path.split('/').slice(1)
  if (segments.some((segment) => segment === '..' || segment === '.')) return refuse('dot segment in path')
  if (segments.slice(0, -1).some((segment) => segment === '')) return refuse('empty segment (absolute path)')
  if (/^[a-zA-Z]:$/.test(segments[0] ?? '')) return refuse('drive letter in path')
  if (segments.at(-1) === '') segments[segments.length - 1] = 'index.html'

  const root = resolve(rootDir)
  const candidate = resolve(root, ...segments)
  if (!isInside(root, candidate)) return refuse('outside the renderer folder')
  let real: string
  let realRoot: string
  try {
    realRoot = realpathSync(root)
    real = realpathSync(candidate)
  } catch {
    return refuse('no such file', 404)
  }
  if (!isInside(realRoot, real)) return refuse('link out of the renderer folder')
  if (!statSync(real).isFile()) return refuse('not a file', 404)
  return { ok: true, file: real }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

/** What the scheme handler reports about a refused request (path only: no query, no fragment). */
export type SchemeRefusal = (fields: { path: string; reason: string }) => void

/** The `protocol.handle` handler: GET/HEAD of files under `rootDir`, nothing else. */
export function createAppSchemeHandler(rootDir: string, refused: SchemeRefusal): (request: Request) => Promise<Response> {
  return async (request) => {
    const path = request.url.replace(/[?#].*$/s, '').slice(0, 512)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      refused({ path, reason: `method ${request.method}` })
      return new Response(null, { status: 405 })
    }
    const resolution = resolveAppFile(rootDir, request.url)
    if (!resolution.ok) {
      refused({ path, reason: resolution.reason })
      return new Response(null, { status: resolution.status })
    }
    const body = await readFile(resolution.file)
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { 'Content-Type': TYPES[extname(resolution.file)] ?? 'application/octet-stream', 'X-Content-Type-Options': 'nosniff' },
    })
  }
}
