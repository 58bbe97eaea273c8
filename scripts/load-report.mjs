// `pnpm bench:load`'s report: the Markdown page and the SVG plot of a run's results
// (what scripts/bench-load.mjs measured, or a results JSON again with LOAD_REPORT).

/** The send lag drawn as a reference line on the plot, ms (reported, not judged). */
const JITTER_LIMIT_MS = 10;

// --- SVG plot: pacing lag (or arrival jitter) and server CPU against N -------------------
export function plot(runs) {
  const W = 760;
  const H = 300;
  const m = { l: 50, r: 50, t: 30, b: 40 };
  const all = runs.flatMap((r) => r.steps);
  const ns = all.map((s) => s.calls);
  const xMin = Math.log(Math.min(...ns));
  const xMax = Math.log(Math.max(...ns) * 1.05);
  const x = (n) => m.l + ((Math.log(n) - xMin) / (xMax - xMin || 1)) * (W - m.l - m.r);
  const jitterOf = (s) => s.pacingLagMs?.p99 ?? 0;
  const yMaxJ = Math.max(20, ...all.map(jitterOf));
  const yJ = (v) => H - m.b - (Math.min(v, yMaxJ) / yMaxJ) * (H - m.t - m.b);
  const yC = (v) =>
    H -
    m.b -
    (Math.min(v, 100 * Math.max(1, ...runs.map((r) => r.workers))) /
      (100 * Math.max(1, ...runs.map((r) => r.workers)))) *
      (H - m.t - m.b);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l}" y="16" font-size="13">p99 pacing lag (solid, left axis, ms) and server CPU (dashed, right axis, %) against concurrent calls</text>`,
    `<line x1="${m.l}" y1="${yJ(JITTER_LIMIT_MS)}" x2="${W - m.r}" y2="${yJ(JITTER_LIMIT_MS)}" stroke="#999" stroke-dasharray="2,3"/>`,
    `<text x="${W - m.r - 70}" y="${yJ(JITTER_LIMIT_MS) - 4}" fill="#777">10 ms limit</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${W - m.r}" y1="${m.t}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle">concurrent calls (log scale)</text>`,
    `<text x="${m.l - 8}" y="${yJ(yMaxJ) + 4}" text-anchor="end">${Math.round(yMaxJ)}</text>`,
    `<text x="${m.l - 8}" y="${yJ(0) + 4}" text-anchor="end">0</text>`,
    `<text x="${W - m.r + 6}" y="${yC(0) + 4}">0</text>`,
    `<text x="${W - m.r + 6}" y="${m.t + 4}">${100 * Math.max(1, ...runs.map((r) => r.workers))} %</text>`,
  ];
  for (const n of [...new Set(ns)].sort((a, b) => a - b))
    parts.push(
      `<text x="${x(n)}" y="${H - m.b + 14}" text-anchor="middle">${n}</text>`,
      `<line x1="${x(n)}" y1="${H - m.b}" x2="${x(n)}" y2="${H - m.b + 4}" stroke="black"/>`,
    );
  runs.forEach((run, i) => {
    const colour = colours[i % colours.length];
    const steps = [...run.steps].sort((a, b) => a.calls - b.calls);
    const line = (y, dash) =>
      `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash ? ' stroke-dasharray="6,4"' : ''} points="${steps.map((s) => `${x(s.calls).toFixed(1)},${y(s).toFixed(1)}`).join(' ')}"/>`;
    parts.push(
      line((s) => yJ(jitterOf(s)), false),
      line((s) => yC(s.serverCpuPct), true),
    );
    for (const s of steps)
      parts.push(
        `<circle cx="${x(s.calls).toFixed(1)}" cy="${yJ(jitterOf(s)).toFixed(1)}" r="3" fill="${s.passed ? colour : 'white'}" stroke="${colour}"/>`,
      );
    parts.push(
      `<text x="${m.l + 10}" y="${m.t + 14 + i * 14}" fill="${colour}">${run.name}: ${run.capacity} calls${run.workers === 1 ? ' per core' : ''}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * What a call costs at capacity (one worker: ms of CPU per second of call), split into the
 * encoder alone, the wire floor and the rest; and the most any server could reach with
 * this encoder on this wire (its cost = encoder + wire), as a ratio to the encoder's ceiling.
 */
export function callCosts(r) {
  if (!r.wireFloor || !r.encoders) return [];
  return r.runs.flatMap((run) => {
    const ceiling = r.encoders[run.encoder]?.realTime;
    const at = run.steps.find((s) => s.calls === run.capacity);
    if (run.workers !== 1 || !ceiling || !at) return [];
    const round = (x) => Math.round(x * 100) / 100;
    const call = (at.serverCpuPct * 10) / at.calls;
    const encoder = 1000 / ceiling;
    const wire = r.wireFloor.msPerCallSecond;
    return [
      {
        name: run.name,
        call: round(call),
        encoder: round(encoder),
        wire: round(wire),
        rest: round(call - encoder - wire),
        // At most 90 % of the core, a call costing only the encoder and the wire.
        bestRatio: round((0.9 * encoder) / (encoder + wire)),
        // What a call may cost for the goal (half the ceiling at ≤ 90 % CPU).
        budgetForHalf: round(encoder * 1.8),
      },
    ];
  });
}

export function markdown(r) {
  const p = (x) => (x ? `${x.p50} / ${x.p99}` : '–');
  const lines = [
    `# Load benchmark, ${r.date.slice(0, 10)}`,
    '',
    `${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}; ${r.machine.pinned ? 'one worker: the server pinned to core 0 and the emulator to core 1; more workers: the server and the emulator share every core' : 'not pinned'}; ${r.steadyS} s steady window per step. Every call is full duplex: the caller sends 20 ms frames in real time (a recording with pauses, looped) and the load-test bot talks without a pause (24 kHz speech resampled to 8 kHz, MP3 at 32 kbps, 72 ms chunks, ${r.leadMs ?? 200} ms lead), cuts itself off when the caller speaks and answers 1.5 s later.`,
    '',
    `Capacity: the highest number of calls where ${r.criterion}.`,
    '',
    ...(r.encoders
      ? [
          `The encoders alone, on the server's core in the same run (60 s of speech-like PCM a frame at a time, best of 5; × real time is the most calls one core could encode and do nothing else): ${[
            ['native `lame` (the reference)', r.encoders.native],
            ['LAME in WASM', r.encoders.wasm],
            ['lamejs', r.encoders.lamejs],
          ]
            .map(([name, f]) => `${name} ${f ? `${Math.round(f.realTime)}×` : 'not installed'}`)
            .join(' · ')}.`,
          '',
        ]
      : []),
    ...(r.wireFloor
      ? [
          `The wire floor, under the same load in the same run (\`scripts/wire-floor-server.mjs\` on the server's core: a bare \`ws\` server that parses every inbound event, decodes each \`media\` payload and sends a pre-encoded 72 ms MP3 chunk, built with JSON and base64 as it goes, every 72 ms; nothing else): ${r.wireFloor.cpuPct} % of a core for ${r.wireFloor.calls} calls, **${r.wireFloor.msPerCallSecond} ms of CPU per call-second**${r.wireFloor.underruns || r.wireFloor.violations || r.wireFloor.failures ? ` (underruns ${r.wireFloor.underruns}, violations ${r.wireFloor.violations}, failures ${r.wireFloor.failures})` : ''}.`,
          '',
          ...(callCosts(r).length
            ? [
                'What a call costs at capacity, in ms of CPU per second of call (one worker), and the most any Node server could reach with the same encoder on the same wire (a call costing the encoder and the wire floor and nothing else, at 90 % of the core):',
                '',
                '| configuration | a call | the encoder alone | the wire floor | the rest (psrkit, the bot, GC) | budget for 0.5 of the ceiling | best ratio on this wire |',
                '| --- | --- | --- | --- | --- | --- | --- |',
                ...callCosts(r).map(
                  (c) =>
                    `| ${c.name} | ${c.call} | ${c.encoder} | ${c.wire} | ${c.rest} | ${c.budgetForHalf} | ${c.bestRatio} |`,
                ),
                '',
              ]
            : []),
        ]
      : []),
    '| configuration | capacity | first failing step | ratio to the encoder’s ceiling | ratio to one worker |',
    '| --- | --- | --- | --- | --- |',
    ...r.runs.map(
      (run) =>
        `| ${run.name} | **${run.capacity}**${run.workers === 1 ? ' per core' : ''} | ${run.firstFail ?? '–'} | ${run.ratioToEncoder ?? '–'} | ${run.ratioToOneWorker ?? '–'} |`,
    ),
    '',
    `![pacing lag and CPU against calls](load-${r.date.slice(0, 19).replace(/:/g, '')}.svg)`,
    '',
  ];
  for (const run of r.runs) {
    lines.push(
      `## ${run.name}`,
      '',
      "Latencies are p50 / p99 in ms, over the steady window (first chunks: over the whole run, as streams start on an idle line mostly when calls begin); pacing lag and arrival jitter also give the maximum (the server keeps a histogram: its bucket bound). The event-loop lag includes the monitor's 10 ms resolution. `*`: the emulator was saturated (its figures then describe it, not the server).",
      '',
      '| calls | verdict | server CPU % | RSS MB | RSS/call KB | loop lag | pacing lag | arrival jitter | underruns | first chunk | first-chunk processing | barge-in stop | stale audio after barge-in (server) | stale audio heard p50/p95/max (from the caller’s onset) | margin p1/p50 | sends per timer wake | failures | emulator CPU % | /readyz: not ready / answers (its CPU share, lag p99 ms: p50 / max) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...[...run.steps]
        .sort((a, b) => a.calls - b.calls)
        .map(
          (s) =>
            `| ${s.calls} | ${s.passed ? 'pass' : 'fail'}${s.emulatorBound ? ' *' : ''} | ${s.serverCpuPct} | ${s.rssMb} | ${s.rssPerCallKb} | ${p(s.eventLoopLagMs)} | ${p(s.pacingLagMs)}${s.pacingLagMs?.maxAtMost ? ` / ≤ ${s.pacingLagMs.maxAtMost}` : ''} | ${s.clientJitterMs ? `${Math.round(s.clientJitterMs.p50)} / ${Math.round(s.clientJitterMs.p99)} / ${Math.round(s.clientJitterMs.max)}` : '–'} | ${s.underruns} (${s.underrunMs} ms) | ${p(s.firstChunkMs)} | ${p(s.firstChunkProcessingMs)} | ${p(s.bargeInStopMs)} | ${p(s.bargeInStaleAudioMs)} | ${s.heardStaleMs ? `${Math.round(s.heardStaleMs.p50)} / ${Math.round(s.heardStaleMs.p95)} / ${Math.round(s.heardStaleMs.max)}` : '–'} | ${s.marginMs ? `${Math.round(s.marginMs.p1)} / ${Math.round(s.marginMs.p50)}` : '–'} | ${s.sendsPerTimerWake ?? '–'} | ${s.failures} | ${s.clientCpuPct} | ${readinessText(s.readiness)} |`,
        ),
      '',
    );
    if (run.hotSpots)
      lines.push(
        'Where the server’s CPU went (self time by part, % of busy samples, last step profiled; the load-test bot’s own work on its own line):',
        '',
        ...(run.parts ?? []).map((h) => `- ${h.pct} % ${h.name}`),
        '',
        'Hot spots (self time by function):',
        '',
        ...run.hotSpots.map((h) => `- ${h.pct} % ${h.name}`),
        '',
      );
  }
  return `${lines.join('\n')}\n`;
}

/** A step's `/readyz` answers: `2 / 10 (0.71 / 0.8, 12 / 30)`; `–` when not measured. */
export function readinessText(r) {
  if (!r?.polls) return '–';
  return `${r.notReady} / ${r.polls} (${r.cpu.p50} / ${r.cpu.max}, ${r.lagMs.p50} / ${r.lagMs.max})`;
}
