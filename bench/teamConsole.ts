import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createAppCore } from '../src/core/app/appCore.ts'
import { createMemorySecretStore } from '../src/core/audit/memorySecretStore.ts'
import { silentLogger } from '../src/core/log/logger.ts'
import { TEAM_DB_ENV } from '../src/core/team/teamConfig.ts'

// One console of bench/team.ts, as a process of its own: a data folder, the replicator running
// as in the console's main side, and enrollments (Training, against the parent's server) in
// phases the parent names. argv: data folder, training URL, machine name, team database URL.

const [dataDir, trainingUrl, machine, teamUrl] = process.argv.slice(2) as [string, string, string, string]
const core = createAppCore({
  dataDir,
  fetch: (input, init) => fetch(input, init),
  secretStore: createMemorySecretStore(),
  logger: silentLogger,
  operator: `bench-${machine}`,
  machine,
  appVersion: 'bench',
  channel: 'console',
  trainingUrl: () => trainingUrl,
  env: { [TEAM_DB_ENV]: teamUrl },
  // Shorter back-off than the console's 30 s ceiling so that the bench's recovery stays short.
  teamReplicator: { retryMs: { first: 500, max: 3000 }, pool: { connectTimeoutMs: 2000, statementTimeoutMs: 5000 } },
})
await core.audit.open()
await core.team.start()

let sequence = 0
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const machineDigits = machine.replace(/\D/g, '').padStart(2, '0')

process.on('message', (message: { phase: string; count: number; gapMs: number } | { stop: true }) => {
  void (async () => {
    if ('stop' in message) {
      await core.team.stop()
      await core.audit.flush()
      core.close()
      process.send?.({ stopped: true }, () => process.exit(0))
      return
    }
    const cpuBefore = process.cpuUsage()
    // How late this process's timers fire during the phase: a replicator holding the event
    // loop (a slow local read, a retry storm) would show here before it shows in a latency.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 })
    loopDelay.enable()
    const latencies: number[] = []
    /** The HTTP exchange with the training server (in the bench's parent) within each latency. */
    const requestMs: number[] = []
    const finished: { id: number; finishedAt: number }[] = []
    // Desks do not enroll in step: each console starts at its own moment in the first gap and
    // its gaps vary (mean gapMs). With ten consoles starting together and fixed gaps, each
    // phase began with ten enrollments at once queueing on two cores (its first enrollments
    // ~3x the others), and how long they stayed in step depended on incidental timing.
    await sleep(Math.random() * message.gapMs)
    for (let i = 0; i < message.count; i++) {
      sequence++
      const started = performance.now()
      const result = await core.enrollService.enroll({
        environment: 'training',
        // Digits only; ends in 1 so that no training rule (…403, …002, …) applies.
        paymentId: `9${machineDigits}${String(sequence).padStart(5, '0')}1`,
        phone: `0803${machineDigits.slice(-2)}${String(sequence).padStart(5, '0')}`,
        transactionRef: `BENCH-${machine}-${sequence}`,
        signatureMethod: 'SHA-256',
      })
      latencies.push(performance.now() - started)
      if (!result.ok) throw new Error(`${machine}: ${result.error.message}`)
      requestMs.push(result.value.requestMs ?? Number.NaN)
      finished.push({ id: result.value.id, finishedAt: result.value.finishedAt ?? Date.now() })
      await sleep(message.gapMs * (0.5 + Math.random()))
    }
    const cpu = process.cpuUsage(cpuBefore)
    loopDelay.disable()
    const loopDelayP99 = loopDelay.percentile(99) / 1e6 - 10 // beyond the 10 ms resolution
    process.send?.({ phase: message.phase, latencies, requestMs, loopDelayP99, finished, cpuMs: (cpu.user + cpu.system) / 1000, consoleId: core.team.consoleId(), status: core.team.status() })
  })().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
})
process.send?.({ ready: true })
