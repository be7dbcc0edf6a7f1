import type { EnvironmentEndpoints } from './environments.ts'

// Where an environment's credentials may be sent: the origin (scheme, host, port) of its
// enrollment API and of its Passport token endpoint. Credentials are bound to the destination
// they were entered for; a path change on the same origin is not a new destination.

export interface Destination {
  apiOrigin: string
  passportOrigin: string
}

/** The origin of a URL as the WHATWG parser sees it; 'null' when it does not parse. */
export function originOf(url: string): string {
  try {
    return new URL(url.trim()).origin
  } catch {
    return 'null'
  }
}

export function destinationOf(endpoints: EnvironmentEndpoints): Destination {
  return { apiOrigin: originOf(endpoints.baseUrl), passportOrigin: originOf(endpoints.passportUrl) }
}

export function sameDestination(a: Destination, b: Destination): boolean {
  return a.apiOrigin === b.apiOrigin && a.passportOrigin === b.passportOrigin
}

/** "https://api.example (token: https://passport.example)" or just the origin when both are one. */
export function describeDestination(d: Destination): string {
  return d.apiOrigin === d.passportOrigin ? d.apiOrigin : `${d.apiOrigin} (token: ${d.passportOrigin})`
}
