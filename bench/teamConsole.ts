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
    const latencies: number[] = []
    const finished: { id: number; finishedAt: number }[] = []
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
      finished.push({ id: result.value.id, finishedAt: result.value.finishedAt ?? Date.now() })
      await new Promise((resolve) => setTimeout(resolve, message.gapMs))
    }
    const cpu = process.cpuUsage(cpuBefore)
    process.send?.({ phase: message.phase, latencies, finished, cpuMs: (cpu.user + cpu.system) / 1000, consoleId: core.team.consoleId(), status: core.team.status() })
  })().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
})
process.send?.({ ready: true })
