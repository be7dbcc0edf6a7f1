/** Either one JSON object on stdout (--json) or readable lines; errors go to stderr. */
export class Output {
  json = false
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void

  constructor(stdout: (text: string) => void, stderr: (text: string) => void) {
    this.stdout = stdout
    this.stderr = stderr
  }

  result(value: unknown, lines: string[]): void {
    if (this.json) this.stdout(`${JSON.stringify(value)}\n`)
    else this.stdout(`${lines.join('\n')}\n`)
  }

  error(value: unknown, lines: string[]): void {
    if (this.json) this.stdout(`${JSON.stringify(value)}\n`)
    this.stderr(`${lines.join('\n')}\n`)
  }

  progress(line: string): void {
    if (!this.json) this.stderr(line)
  }
}
