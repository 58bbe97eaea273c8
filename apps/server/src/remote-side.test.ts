// The demo bot hears its customer on whichever side PSR puts them: the reference server
// (in its own process) with the demo bot, and the emulator placing the caller's voice on
// side A or B of each layout, or placing an outbound call through create-stream.
import { createStream } from '@psrkit/protocol';
import {
  type CallReport,
  loadCallerAudio,
  placeCall,
  startPsrApiEmulator,
} from '@psrkit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, type SpawnedServer, spawnServer } from './__fixtures__/spawn-server.js';

let byDefault: SpawnedServer;
let stereoB: SpawnedServer;
let hello: Int16Array;

beforeAll(async () => {
  hello = await loadCallerAudio(`${root}packages/simulator/samples/hello.wav`);
  [byDefault, stereoB] = await Promise.all([
    spawnServer([], { env: { DEMO_SILENCE_MS: '30000' } }),
    spawnServer(['--remote-side', 'b'], {
      env: { PSRKIT_REMOTE_SIDE: 'a', DEMO_SILENCE_MS: '30000' },
    }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([byDefault?.stop(), stereoB?.stop()]);
});

/** The bot heard the utterance: it answered it with its echo, streamed after the utterance began. */
function expectHeard(report: CallReport) {
  expect(report.violations).toEqual([]);
  expect(report.utterances).toHaveLength(1);
  const [utterance] = report.utterances;
  const echoMs = report.botAudio
    .filter((b) => b.kind === 'stream' && b.startMs > utterance!.startMs)
    .reduce((ms, b) => ms + b.endMs - b.startMs, 0);
  // "You said: …" and the caller's own words: longer than the utterance.
  expect(echoMs, 'the demo bot echoed the caller').toBeGreaterThan(
    utterance!.endMs - utterance!.startMs,
  );
}

describe('the remote party: the demo bot hears its customer on either side', () => {
  const call = (server: SpawnedServer, options: Partial<Parameters<typeof placeCall>[0]>) =>
    placeCall({
      url: server.url,
      tenant: 'demo',
      caller: [{ atMs: 6000, samples: hello }], // after the greeting
      tailMs: 7000,
      ...options,
    });
  /** An outbound call placed through the create-stream emulator, with no option. */
  const outbound = async () => {
    const api = await startPsrApiEmulator({
      port: 0,
      tokens: ['t'],
      callee: new Int16Array([...new Int16Array(8000 * 6), ...hello]),
      call: { tailMs: 7000 },
    });
    try {
      await createStream({
        baseUrl: api.url,
        token: 't',
        url: byDefault.url,
        destination: '0901234567',
        app: 'bot',
        isSilence: true,
      });
      return { request: api.calls[0]!.request, report: (await api.calls[0]!.done)! };
    } finally {
      await api.close();
    }
  };
  // Every call at once: they are independent, and the suite is shorter for it.
  let layouts: CallReport[];
  let placed: Awaited<ReturnType<typeof outbound>>;
  beforeAll(async () => {
    [layouts, placed] = await Promise.all([
      Promise.all([
        call(byDefault, { channel: 'mono_a' }),
        call(byDefault, { channel: 'mono_b' }),
        call(byDefault, { channel: 'stereo', side: 'a' }),
        call(byDefault, { channel: 'stereo', side: 'b', params: { remote_side: 'b' } }),
        call(stereoB, { channel: 'stereo', side: 'b' }),
      ]),
      outbound(),
    ]);
  }, 60_000);

  it('on mono_a, mono_b, stereo A, stereo B with remote_side=b, and stereo B with --remote-side b', () => {
    expect(layouts.map((r) => r.channel)).toEqual([
      'mono_a',
      'mono_b',
      'stereo',
      'stereo',
      'stereo',
    ]);
    for (const report of layouts) expectHeard(report);
  });

  it('on an outbound call placed with create-stream, without any option', () => {
    expect(placed.request.parameter).toMatchObject({ remote_side: 'b' });
    expectHeard(placed.report);
  });
});
