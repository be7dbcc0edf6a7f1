// The places the console can send to. Base URLs are settings (hosts change over the
// years); these are only the defaults taken from the API documentation.

export const ENVIRONMENT_IDS = ['training', 'sandbox', 'production', 'custom'] as const
export type EnvironmentId = (typeof ENVIRONMENT_IDS)[number]

export interface EnvironmentEndpoints {
  /** Host of the enrollment API, e.g. https://sandbox.interswitchng.com (no trailing slash). */
  baseUrl: string
  /** Host of the Passport token endpoint. */
  passportUrl: string
}

export const ENVIRONMENT_LABELS: Record<EnvironmentId, string> = {
  training: 'Training',
  sandbox: 'Sandbox',
  production: 'Production',
  custom: 'Custom',
}

/** Defaults for the editable environments; Training's URL is the local server's, known at run time. */
export const DEFAULT_ENDPOINTS: Record<Exclude<EnvironmentId, 'training'>, EnvironmentEndpoints> = {
  sandbox: { baseUrl: 'https://sandbox.interswitchng.com', passportUrl: 'https://sandbox.interswitchng.com' },
  production: { baseUrl: 'https://saturn.interswitchng.com', passportUrl: 'https://passport.interswitchng.com' },
  custom: { baseUrl: 'http://127.0.0.1:8080', passportUrl: 'http://127.0.0.1:8080' },
}

export const ENROLL_PATH = '/api/v3/purchases/otps/enrollments'
export const TOKEN_PATH = '/passport/oauth/token'

/** Public sandbox test merchant from the docs; the Training server accepts it too. */
export const TRAINING_CREDENTIALS = {
  clientId: 'IKIA9614B82064D632E9B6418DF358A6A4AEA84D7218',
  clientSecret: 'XCTiBtLy1G9chAnyg0z3BcaFK4cVpwDg/GTw2EmjTZ8=',
} as const

export function isEnvironmentId(value: string): value is EnvironmentId {
  return (ENVIRONMENT_IDS as readonly string[]).includes(value)
}
