// The VAD scenario of `pnpm bench:load` (LOAD_VAD=off,silero,…): each configuration runs with
// the load-test bot alone (`off`) and with the agent's VAD on every call
// (scripts/load-vad-bot.mjs); this compares each VAD run with its `off` run of the same
// encoder and workers — calls per core as a ratio, and the VAD's own CPU.

/**
 * The VAD's own cost, from the server's CPU at the largest step both runs measured: ms of
 * CPU per call-second, and CPU without it over CPU with it (calls per core when CPU is
 * what decides; steady on a busy machine, where underruns may decide the capacity first).
 */
export function vadCost(run, off) {
  const calls = Math.max(
    ...run.steps.filter((s) => off.steps.some((o) => o.calls === s.calls)).map((s) => s.calls),
  );
  if (!Number.isFinite(calls)) return undefined;
  const cpu = (r) => r.steps.find((s) => s.calls === calls).serverCpuPct;
  const round = (x) => Math.round(x * 100) / 100;
  return {
    calls,
    msPerCallSecond: round(((cpu(run) - cpu(off)) * 10) / calls),
    cpuRatio: round(cpu(off) / cpu(run)),
  };
}

/**
 * Sets `ratioToVadOff` (calls per core with the VAD over without it) and `vadCost` on each
 * VAD run that has its `off` run, and returns one line for each: both capacities, the ratio,
 * and the VAD's CPU.
 */
export function compareVads(runs) {
  const lines = [];
  for (const run of runs) {
    if (run.vad === 'off') continue;
    const off = runs.find(
      (r) => r.encoder === run.encoder && r.workers === run.workers && r.vad === 'off',
    );
    if (!off) continue;
    if (off.capacity) run.ratioToVadOff = Math.round((run.capacity / off.capacity) * 100) / 100;
    run.vadCost = vadCost(run, off);
    const perCore = (r) => Math.round(r.capacity / r.workers);
    const ratio =
      run.ratioToVadOff === undefined
        ? 'no ratio (no step passed without the VAD)'
        : `${run.ratioToVadOff} ×${run.firstFail || off.firstFail ? '' : ' (both passed every step: raise LOAD_STEPS)'}`;
    const cost = run.vadCost
      ? `; at ${run.vadCost.calls} calls the VAD costs ${run.vadCost.msPerCallSecond} ms of CPU per call-second, server CPU off / on ${run.vadCost.cpuRatio} × (the ratio of calls per core when CPU decides)`
      : '';
    lines.push(
      `${run.name}: ${perCore(run)} calls per core with the VAD, ${perCore(off)} without: ${ratio}${cost}`,
    );
  }
  return lines;
}
