// The agent's turn (`pnpm bench`): voice to voice on a complete question, with services that
// answer at once (a scripted model and recogniser, an in-process voice), over real calls on
// loopback. Split into the wait for the turn's end, and the rest — our own processing, the
// services here costing next to nothing. The reference, in the same run: the same agent with
// early starts off (a turn ends only after `turnEndMs` of silence).
import { fileURLToPath } from 'node:url';
import { createTestTts } from '@psrkit/pipeline/testing';
import { loadWebRtcVad } from '@psrkit/plugin-vad';
import { loadCallerAudio, percentiles, placeCall } from '@psrkit/simulator';
import { createPsrServer, silentLogger } from '@psrkit/transport';
import { scriptedModel, scriptedStt } from '../src/__fixtures__/scripted.js';
import type { AgentEvent, AgentOptions } from '../src/agent-options.js';
import { createAgent } from '../src/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const openVad = await loadWebRtcVad();
const hello = await loadCallerAudio(
  fileURLToPath(import.meta.resolve('@psrkit/simulator/samples/hello.wav')),
);

interface Turn {
  readonly voiceToVoice: number; // the caller's speech end → the reply's first audio at the peer
  readonly wait: number; // → the turn confirmed
  readonly ours: number; // the rest: transcript, model, voice, line (services ~0 here)
}

/** One call: the caller asks once; the agent's events and the emulator's report, as a turn. */
async function oneTurn(options: Partial<AgentOptions>): Promise<Turn | undefined> {
  const events: AgentEvent[] = [];
  const server = createPsrServer({
    port: 0,
    logger: silentLogger,
    bot: createAgent({
      model: scriptedModel([{ text: 'I am the Acme assistant.' }], { chunkDelayMs: null }).model,
      stt: scriptedStt(['Hello, who are you?']),
      tts: createTestTts({ sampleRate: 8000, msPerChar: 40 }),
      openVad,
      instructions: 'You answer calls for Acme.',
      onEvent: (event) => events.push(event),
      ...options,
    }),
  });
  await server.listen();
  try {
    const report = await placeCall({
      url: server.url,
      caller: [{ atMs: 300, samples: hello }],
      tailMs: 2500,
    });
    const turnEnd = events.find((e) => e.type === 'turn-end');
    const firstAudio = events.find((e) => e.type === 'first-audio');
    const voiceToVoice = report.summary.firstReplyMs[0];
    if (
      turnEnd?.type !== 'turn-end' ||
      firstAudio?.type !== 'first-audio' ||
      voiceToVoice === undefined
    )
      return undefined;
    return { voiceToVoice, wait: turnEnd.waitMs, ours: firstAudio.voiceToVoiceMs - turnEnd.waitMs };
  } finally {
    await server.close();
  }
}

async function measure(name: string, options: Partial<AgentOptions>) {
  const turns: Turn[] = [];
  for (let run = 0; run < RUNS; run++) {
    const turn = await oneTurn(options);
    if (turn) turns.push(turn);
  }
  const p = (pick: (t: Turn) => number) => percentiles(turns.map(pick))!;
  return {
    name,
    count: turns.length,
    v2v: p((t) => t.voiceToVoice),
    wait: p((t) => t.wait),
    ours: p((t) => t.ours),
  };
}

const reference = await measure('reference: a turn ends after 700 ms of silence', {
  earlyTurnEndMs: 700,
  turnComplete: () => false,
});
const early = await measure(
  'early start (250 ms), a complete transcript ends the turn at once (default)',
  {},
);
const patient = await measure('the same, a complete transcript waits 400 ms in all', {
  completeTurnEndMs: 400,
});
const ms = (v: { p50: number; p95: number }) => `${v.p50.toFixed(0)} / ${v.p95.toFixed(0)}`;
console.log(
  `## The agent's turn, voice to voice, on "Hello, who are you?" (${RUNS} calls each; goals: ≤ 500 ms, our own ≤ 30 ms p95)\n`,
);
console.log(
  '| agent | turns | voice to voice p50 / p95 ms | wait for the turn p50 / p95 ms | our own processing p50 / p95 ms | voice to voice p50 vs the reference |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of [reference, early, patient])
  console.log(
    `| ${row.name} | ${row.count} | ${ms(row.v2v)} | ${ms(row.wait)} | ${ms(row.ours)} | ${(row.v2v.p50 / reference.v2v.p50).toFixed(2)}× |`,
  );
