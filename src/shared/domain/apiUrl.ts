// The one rule for the API and Passport base URLs, used by Settings (IPC contract and settings
// store), the main process, the CLI and the protocol client. Credentials are sent to these
// URLs, so the rule is strict:
//  - https only, except http to a loopback host (127.0.0.0/8, localhost, [::1]);
//  - no user info, query or fragment; no control characters (tab, line breaks);
//  - parsed and normalised by the WHATWG URL parser (the one fetch uses), so that the URL the
//    signature is computed over is exactly the URL that is sent. The normal form is
//    `scheme://host[:port][/path]` without a trailing slash.

export const MAX_API_URL_LENGTH = 2048

export type ApiUrlCheck = { ok: true; url: string } | { ok: false; reason: string }

const EXAMPLE = 'e.g. https://sandbox.interswitchng.com'

/** Checks `raw` against the rule and returns its normal form, or why it is refused. */
export function checkApiUrl(raw: string): ApiUrlCheck {
  // Spaces around a pasted URL are harmless; anything else unusual is refused, not repaired.
  const text = raw.replace(/^ +| +$/g, '')
  if (text === '') return refused(`Enter a URL (${EXAMPLE}).`)
  if (text.length > MAX_API_URL_LENGTH) return refused(`The URL is longer than ${MAX_API_URL_LENGTH} characters.`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return refused('The URL contains a tab, a line break or another control character.')
  if (/\s/.test(text)) return refused('The URL contains a space.')
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase()
  if (scheme !== 'https' && scheme !== 'http') return refused(`Enter a full https:// URL (${EXAMPLE}).`)
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:[/\\]*([^/\\?#]*)/.exec(text)?.[1] ?? ''
  if (authority.includes('@')) return refused('The URL contains user info (a name or password before "@"); enter the server address only.')
  if (text.includes('?')) return refused('The URL contains a query ("?…"); enter the base address only.')
  if (text.includes('#')) return refused('The URL contains a fragment ("#…"); enter the base address only.')
  const port = /:([^:\]]*)$/.exec(authority)?.[1]
  if (port !== undefined && port !== '' && !(/^\d+$/.test(port) && Number(port) <= 65535)) {
    return refused(`The port "${port}" is not a number from 0 to 65535.`)
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return refused(`This is not a valid URL (${EXAMPLE}).`)
  }
  if (url.hostname === '') return refused(`The URL has no host (${EXAMPLE}).`)
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return refused('Plain http:// is allowed only to this computer (127.0.0.1, localhost, [::1]); use https://.')
  }
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` }
}

/** Loopback as the parser leaves it: `localhost`, an IPv4 address in 127.0.0.0/8, `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

/** The normal form of a URL that must already pass the rule (throws with the reason otherwise). */
export function normalApiUrl(raw: string): string {
  const checked = checkApiUrl(raw)
  if (!checked.ok) throw new TypeError(checked.reason)
  return checked.url
}

function refused(reason: string): ApiUrlCheck {
  return { ok: false, reason }
}
