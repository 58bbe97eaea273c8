// The demo bot on outbound calls placed through the create-stream emulator, with
// `detect_answer=hold`: who answered decides whether it greets, leaves a message after the
// beep, or hangs up without a word — as the emulator heard it. Announcements are told apart
// by their words: the simulator's sample speech-to-text knows the emulator's recordings.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createStream, decodeWav } from '@psrkit/protocol';
import { type CallReport, createSampleStt, startPsrApiEmulator } from '@psrkit/simulator';
import { type CallEnd, createPsrServer, silentLogger } from '@psrkit/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoBot } from './demo-bot.js';

const callees = {
  rules: [
    { match: { lastDigit: 1 }, callee: { type: 'person', ringMs: 100, hangupAfterMs: 6000 } },
    { match: { lastDigit: 2 }, callee: { type: 'voicemail', ringMs: 100, maxMs: 20_000 } },
    { match: { lastDigit: 3 }, callee: { type: 'busy', ringMs: 100 } },
    { match: { lastDigit: 4 }, callee: { type: 'silence', ringMs: 100, maxMs: 10_000 } },
  ],
} as const;
/** The voicemail greeting the emulator plays: its beep ends with it. */
const greetingMs =
  decodeWav(
    readFileSync(
      fileURLToPath(import.meta.resolve('@psrkit/simulator/samples/answers/voicemail-vi.wav')),
    ),
  ).samples.length / 8;

interface Placed {
  readonly report: CallReport;
  readonly result: Readonly<Record<string, string>>;
  readonly end: CallEnd;
}

/** The demo bot answering calls of the emulator; `place(destination)` is one call, heard. */
async function demoOnEmulatedCalls(voicemailMessage?: false) {
  // The bot's side of each call, by call id: its result fields and how it ended.
  type BotSide = Omit<Placed, 'report'>;
  const ends = new Map<string, { promise: Promise<BotSide>; resolve: (side: BotSide) => void }>();
  const endOf = (callId: string) => {
    let entry = ends.get(callId);
    if (!entry) {
      let resolve!: (side: BotSide) => void;
      const promise = new Promise<BotSide>((r) => {
        resolve = r;
      });
      entry = { promise, resolve };
      ends.set(callId, entry);
    }
    return entry;
  };
  const bot = createDemoBot({
    vad: 'webrtc',
    answer: {
      detector: { transcript: { stt: createSampleStt(), language: 'vi' } },
      // An announcement is named by its words, after ~3 s: not greeted in the meantime.
      maxHoldMs: 8000,
      ...(voicemailMessage === false && { voicemailMessage }),
    },
  });
  await bot.prepare();
  const server = createPsrServer({ port: 0, bot, logger: silentLogger });
  server.on('call-closed', (call, end) =>
    endOf(call.id).resolve({ result: { ...call.result }, end }),
  );
  await server.listen();
  const api = await startPsrApiEmulator({ tokens: ['t'], callees });
  const place = async (destination: string): Promise<Placed> => {
    const { callId } = await createStream({
      baseUrl: api.url,
      token: 't',
      url: server.url,
      destination,
      app: 'bot',
      channel: 'mono_b',
      isSilence: true,
      parameter: { detect_answer: 'hold', lang: 'vi' },
    });
    const placed = api.calls.find((c) => c.request.callId === callId);
    const report = await placed?.done;
    if (!report) throw new Error(`${destination}: the call never connected`);
    return { report, ...(await endOf(callId).promise) };
  };
  const close = async () => {
    await api.close({ hangUp: true });
    await server.close();
  };
  return { place, close };
}

describe('the demo bot with detect_answer=hold, on emulated outbound calls', () => {
  let calls: Awaited<ReturnType<typeof demoOnEmulatedCalls>>;
  let person: Placed;
  let voicemail: Placed;
  let busy: Placed;
  let deadAir: Placed;
  beforeAll(async () => {
    calls = await demoOnEmulatedCalls();
    [person, voicemail, busy, deadAir] = await Promise.all([
      calls.place('0901000001'),
      calls.place('0901000002'),
      calls.place('0901000003'),
      calls.place('0901000004'),
    ]);
  }, 60_000);
  afterAll(() => calls?.close());

  it('a person: greeted once their "Alô?" is over', () => {
    expect(person.result).toEqual({ answered_by: 'human' });
    const [alo] = person.report.utterances;
    const first = person.report.botAudio[0];
    expect(alo && first).toBeTruthy();
    expect(first!.startMs).toBeGreaterThan(alo!.endMs); // not a word before it
    expect(person.report.hangup).toBeUndefined(); // the person hung up
  });

  it('a voicemail: its message after the beep, then a hangup', () => {
    expect(voicemail.result).toEqual({ answered_by: 'voicemail' });
    expect(voicemail.report.botAudio.length).toBeGreaterThan(0);
    expect(voicemail.report.botAudio[0]!.startMs).toBeGreaterThanOrEqual(greetingMs);
    const heard = voicemail.report.botAudio.reduce((ms, a) => ms + a.endMs - a.startMs, 0);
    expect(heard).toBeGreaterThan(2000); // the whole message
    expect(voicemail.end.reason).toBe('hangup');
  });

  it('a busy announcement: hung up on without a word, its kind recorded', () => {
    expect(busy.result).toEqual({ answered_by: 'announcement', answered_by_kind: 'busy' });
    expect(busy.report.botAudio).toEqual([]);
    expect(busy.report.actions.map((a) => a.type)).toEqual(['hangup']);
    expect(busy.end.reason).toBe('hangup');
  });

  it('dead air: hung up on without a word', () => {
    expect(deadAir.result).toEqual({ answered_by: 'silence' });
    expect(deadAir.report.botAudio).toEqual([]);
    expect(deadAir.report.actions.map((a) => a.type)).toEqual(['hangup']);
  });
});

describe('the demo bot told to leave no message', () => {
  it('hangs up on a voicemail without a word', async () => {
    const calls = await demoOnEmulatedCalls(false);
    try {
      const voicemail = await calls.place('0901000002');
      expect(voicemail.result).toEqual({ answered_by: 'voicemail' });
      expect(voicemail.report.botAudio).toEqual([]);
      expect(voicemail.end.reason).toBe('hangup');
    } finally {
      await calls.close();
    }
  }, 30_000);
});
