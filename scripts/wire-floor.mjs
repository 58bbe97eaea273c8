// The wire floor, measured: scripts/wire-floor-server.mjs pinned to core 0 under the same
// emulated load as psrkit (psr-sim load on core 1), its CPU over a steady window. What a
// call costs on the wire alone — every inbound event parsed and decoded, a chunk action
// built and written every 72 ms — is the part of a call's cost no bot server in Node avoids.
import { createInterface } from 'node:readline';
import { emulatedLoad, exited, freePort, sleep, spawnPinned, usage } from './load-processes.mjs';

/** CPU of the wire floor with `calls` calls: % of a core and ms per call-second. */
export async function measureWireFloor(calls, steadyS) {
  const port = await freePort();
  const server = spawnPinned('0', ['scripts/wire-floor-server.mjs', String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`the wire-floor server exited (${code})`)));
    createInterface({ input: server.stdout }).once('line', resolve);
  });
  const { client, rampMs, warmMs, summary: loadSummary } = emulatedLoad('1', port, calls, steadyS);
  try {
    await sleep(rampMs + warmMs);
    const start = usage(server.pid);
    await sleep(steadyS * 1000);
    const end = usage(server.pid);
    const summary = await loadSummary;
    const cpuPct = ((end.cpu - start.cpu) / ((end.at - start.at) / 1000)) * 100;
    return {
      calls,
      cpuPct: Math.round(cpuPct * 10) / 10,
      msPerCallSecond: Math.round((cpuPct * 10 * 100) / calls) / 100,
      underruns: summary.underruns,
      violations: summary.violations,
      failures: summary.connectFailures + summary.endedEarly,
    };
  } finally {
    client.kill('SIGTERM');
    server.kill('SIGTERM');
    await Promise.all([exited(client), exited(server)]);
  }
}
