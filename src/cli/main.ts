import { EXIT, UsageError } from './args.ts'
import { AUDIT_USAGE, auditCommand } from './auditCommand.ts'
import { ENROLL_USAGE, enrollCommand } from './enrollCommand.ts'
import { EXPORT_USAGE, exportCommand } from './exportCommand.ts'
import { HISTORY_USAGE, historyCommand } from './historyCommand.ts'
import { Output } from './output.ts'
import { PURGE_USAGE, purgeCommand } from './purgeCommand.ts'

// The CLI runs on the same core as the console, straight from source with Node 24's type
// stripping: no build and no Electron binary needed.

const USAGE = `OTP Enrollment Console — command line

  ${ENROLL_USAGE}
  ${HISTORY_USAGE}
  ${EXPORT_USAGE}
  ${AUDIT_USAGE}
  ${PURGE_USAGE}

Exit codes: 0 enrolled / ok, 1 rejected by the API (audit: chain broken), 2 bad input or usage,
3 transport failure or unknown outcome.
Credentials: the OS keychain (set them in the console's Settings), or OTP_CLIENT_ID and
OTP_CLIENT_SECRET together. Data folder: --data-dir or OTP_CONSOLE_DATA_DIR.`

const commands: Record<string, (argv: string[], out: Output) => Promise<number>> = {
  enroll: enrollCommand,
  history: historyCommand,
  export: exportCommand,
  audit: auditCommand,
  purge: purgeCommand,
}

export async function runCli(argv: string[], out: Output): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out.stdout(`${USAGE}\n`)
    return name ? 0 : EXIT.usage
  }
  const command = commands[name]
  try {
    if (!command) throw new UsageError(`Unknown command "${name}".`)
    return await command(rest, out)
  } catch (error) {
    if (error instanceof UsageError) {
      out.error({ error: { code: 'usage', message: error.message } }, [error.message, '', USAGE])
      return EXIT.usage
    }
    const message = error instanceof Error ? error.message : String(error)
    out.error({ error: { code: 'internal', message } }, [`Failed: ${message}`])
    return EXIT.transport
  }
}

if (import.meta.main) {
  const out = new Output((text) => process.stdout.write(text), (text) => process.stderr.write(text))
  process.exitCode = await runCli(process.argv.slice(2), out)
}
