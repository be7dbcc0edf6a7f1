import { checkApiUrl } from '../../shared/domain/apiUrl.ts'

// The base and Passport URLs of an enrollment target by the URL rule: in their normal form, or
// the plain reason why nothing may be sent there. The enrollment service checks before it
// writes history (a password in a refused URL must not be kept); the client checks again.

export type TargetUrls = { ok: true; baseUrl: string; passportUrl: string } | { ok: false; reason: string }

export function checkTargetUrls(target: { baseUrl: string; passportUrl: string }): TargetUrls {
  const base = checkApiUrl(target.baseUrl)
  if (!base.ok) return { ok: false, reason: `The environment's base URL is refused: ${base.reason} Correct it in Settings. Nothing was sent.` }
  const passport = checkApiUrl(target.passportUrl)
  if (!passport.ok) return { ok: false, reason: `The environment's Passport URL is refused: ${passport.reason} Correct it in Settings. Nothing was sent.` }
  return { ok: true, baseUrl: base.url, passportUrl: passport.url }
}
