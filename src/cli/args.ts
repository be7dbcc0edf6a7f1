import { parseArgs, type ParseArgsConfig } from 'node:util'

/** Bad input or usage: exit code 2, message shown as is. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

export const EXIT = { enrolled: 0, rejected: 1, usage: 2, transport: 3 } as const
