import { EXIT, UsageError } from './args.ts'
import { AUDIT_USAGE, auditCommand } from './auditCommand.ts'
import { BULK_USAGE, bulkCommand } from './bulkCommand.ts'
import { ENROLL_USAGE, enrollCommand } from './enrollCommand.ts'
import { EXPORT_USAGE, exportCommand } from './exportCommand.ts'
import { HISTORY_USAGE, historyCommand } from './historyCommand.ts'
import { Output } from './output.ts'
import { PURGE_USAGE, purgeCommand } from './purgeCommand.ts'
import { appVersion } from './version.ts'

// `otp-console` (bin/otp-console.mjs loads this file's bundle) or `npm run cli -- …`: the same
// core as the console, no Electron binary needed. Start-up stays close to Node's own because
// nothing heavy is imported here: each command file imports only light modules at its top and
// loads the core (openCore) or libraries when it runs.

type Command = { usage: string; run: (argv: string[], out: Output) => Promise<number> }

// One line per command: name → usage and handler.
const COMMANDS: Record<string, Command> = {
  enroll: { usage: ENROLL_USAGE, run: enrollCommand },
  history: { usage: HISTORY_USAGE, run: historyCommand },
  export: { usage: EXPORT_USAGE, run: exportCommand },
  audit: { usage: AUDIT_USAGE, run: auditCommand },
  purge: { usage: PURGE_USAGE, run: purgeCommand },
  bulk: { usage: BULK_USAGE, run: bulkCommand },
}

const usage = () => `OTP Enrollment Console — command line (otp-console ${appVersion})

${Object.values(COMMANDS)
  .map((command) => `  ${command.usage}`)
  .join('\n')}
  otp-console <command> --help
  otp-console --version

Exit codes: 0 enrolled / ok, 1 rejected by the API (audit: chain broken), 2 bad input or usage,
3 transport failure or unknown outcome.
Credentials: the OS keychain (set them in the console's Settings), or OTP_CLIENT_ID and
OTP_CLIENT_SECRET together. Data folder: --data-dir or OTP_CONSOLE_DATA_DIR.
From the source folder, \`npm run --silent cli -- <command> …\` is the same as otp-console.`

const HELP = ['--help', '-h']

/** The flags before a `--` (after it everything is a value). */
const flagsOf = (argv: string[]) => (argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv)

export async function runCli(argv: string[], out: Output): Promise<number> {
  const [name, ...rest] = argv
  // Known before parsing, so that even a usage error comes out as JSON.
  out.json = flagsOf(argv).includes('--json')
  if (name === '--version' || name === '-v') {
    out.result({ version: appVersion }, [`otp-console ${appVersion}`])
    return 0
  }
  if (name === undefined) {
    out.stderr(`${usage()}\n`)
    return EXIT.usage
  }
  if (HELP.includes(name) || (name === 'help' && rest.length === 0)) {
    out.stdout(`${usage()}\n`)
    return 0
  }
  const command = name === 'help' ? COMMANDS[rest[0] ?? ''] : COMMANDS[name]
  if (!command) {
    const unknown = name === 'help' ? rest[0] : name
    const message = `Unknown command "${unknown}". Commands: ${Object.keys(COMMANDS).join(', ')}. See otp-console --help.`
    out.error({ error: { code: 'usage', message } }, [message])
    return EXIT.usage
  }
  if (name === 'help' || flagsOf(rest).some((arg) => HELP.includes(arg))) {
    out.stdout(`Usage: ${command.usage}\n`)
    return 0
  }
  try {
    return await command.run(rest, out)
  } catch (error) {
    if (error instanceof UsageError) {
      out.error({ error: { code: 'usage', message: error.message, usage: command.usage } }, [error.message, `Usage: ${command.usage}`])
      return EXIT.usage
    }
    const message = error instanceof Error ? error.message : String(error)
    out.error({ error: { code: 'internal', message } }, [`Failed: ${message}`])
    return EXIT.transport
  }
}

/** The process around runCli: real streams, exit code. */
export async function main(): Promise<void> {
  const out = new Output((text) => process.stdout.write(text), (text) => process.stderr.write(text), { terminal: process.stderr.isTTY === true })
  process.exitCode = await runCli(process.argv.slice(2), out)
}

if (import.meta.main) await main()
