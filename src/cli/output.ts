export interface OutputOptions {
  /** stderr is a terminal: progress may redraw its line with `\r`. */
  terminal?: boolean
}

/** Either one JSON object on stdout (--json) or readable lines; errors go to stderr. */
export class Output {
  json = false
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly terminal: boolean
  private progressShown = false

  constructor(stdout: (text: string) => void, stderr: (text: string) => void, options: OutputOptions = {}) {
    this.stdout = stdout
    this.stderr = stderr
    this.terminal = options.terminal === true
  }

  result(value: unknown, lines: string[]): void {
    this.endProgress()
    if (this.json) this.stdout(`${JSON.stringify(value)}\n`)
    else this.stdout(`${lines.join('\n')}\n`)
  }

  /** With --json, the error is also the one JSON object on stdout; the words go to stderr either way. */
  error(value: unknown, lines: string[]): void {
    this.endProgress()
    if (this.json) this.stdout(`${JSON.stringify(value)}\n`)
    this.stderr(`${lines.join('\n')}\n`)
  }

  /** A progress line, redrawn in place: only on a terminal (a log file or pipe gets no `\r` noise). */
  progress(line: string): void {
    if (this.json || !this.terminal) return
    this.stderr(`\r${line}`)
    this.progressShown = true
  }

  private endProgress(): void {
    if (this.progressShown) this.stderr('\n')
    this.progressShown = false
  }
}
