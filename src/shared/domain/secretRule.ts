// A client secret shorter than this is refused when entered (Settings and the CLI's
// OTP_CLIENT_SECRET). Redaction hides every occurrence of a secret in stored text; a secret of
// one or two characters would turn every text into "[hidden]" soup, and is no secret anyway.

export const MIN_SECRET_LENGTH = 8

export const SECRET_TOO_SHORT = `The client secret must be at least ${MIN_SECRET_LENGTH} characters long.`
