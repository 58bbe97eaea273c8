// The agent on outbound calls placed through the create-stream emulator with
// `detect_answer=hold`: a person is greeted once their "Alô?" is over (which is not taken
// for a turn); a voicemail gets the message after its beep, never the greeting.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SpeechToText } from '@psrkit/pipeline';
import { createAnswerDetector } from '@psrkit/plugin-answer-detect';
import { loadWebRtcVad } from '@psrkit/plugin-vad';
import { createStream, decodeWav } from '@psrkit/protocol';
import { type CallReport, startPsrApiEmulator } from '@psrkit/simulator';
import { createPsrServer, silentLogger } from '@psrkit/transport';
import { describe, expect, it } from 'vitest';
import { scriptedModel, scriptedStt, toneTts } from './__fixtures__/scripted.js';
import { createAgent } from './agent.js';
import type { AgentEvent } from './agent-options.js';

const openVad = await loadWebRtcVad();
const detector = createAnswerDetector(); // timing alone: a person, a voicemail and its beep
const callees = {
  rules: [
    { match: { lastDigit: 1 }, callee: { type: 'person', ringMs: 100, hangupAfterMs: 8000 } },
    { match: { lastDigit: 2 }, callee: { type: 'voicemail', ringMs: 100, maxMs: 20_000 } },
  ],
} as const;
const voicemailMs =
  decodeWav(
    readFileSync(
      fileURLToPath(import.meta.resolve('@psrkit/simulator/samples/answers/voicemail-vi.wav')),
    ),
  ).samples.length / 8;

/** One outbound call to `destination`, answered by an agent with answer detection. */
async function callOut(destination: string) {
  const { tts, texts } = toneTts();
  const { model, prompts } = scriptedModel([{ text: 'This is Acme, calling about your order.' }]);
  let requests = 0;
  const heard = scriptedStt(['Yes, who is this?']);
  const stt: SpeechToText = {
    ...heard,
    transcribe: (audio, options) => {
      requests++;
      return heard.transcribe(audio, options);
    },
  };
  const events: AgentEvent[] = [];
  const bot = createAgent({
    model,
    stt,
    tts,
    openVad,
    instructions: 'You call customers for Acme.',
    greeting: 'Hello, this is Acme.',
    onEvent: (event) => events.push(event),
    answer: {
      detector,
      maxHoldMs: 20_000, // the verdict, not a deadline: a busy machine may take seconds
      voicemailMessage: (call) => `Please call Acme back, ${call.params['danh_xung']}.`,
    },
  });
  const server = createPsrServer({ port: 0, bot, logger: silentLogger });
  const result = new Promise<Record<string, string>>((resolve) =>
    server.once('call-closed', (call) => resolve({ ...call.result })),
  );
  await server.listen();
  const api = await startPsrApiEmulator({ tokens: ['t'], callees });
  try {
    const { callId } = await createStream({
      baseUrl: api.url,
      token: 't',
      url: server.url,
      destination,
      app: 'bot',
      channel: 'mono_b',
      isSilence: true,
      parameter: { detect_answer: 'hold', danh_xung: 'anh Nam' },
    });
    const report = (await api.calls.find((c) => c.request.callId === callId)?.done) as CallReport;
    return { report, result: await result, texts, prompts, requests, events };
  } finally {
    await api.close({ hangUp: true });
    await server.close();
  }
}

describe.concurrent('the agent with detect_answer=hold', { timeout: 40_000 }, () => {
  it('a person: greeted once their "Alô?" is over, then a conversation', async () => {
    const { report, result, texts, requests, events } = await callOut('0902000001');
    expect(result).toEqual({ answered_by: 'human' });
    expect(events.find((e) => e.type === 'answer')).toMatchObject({ verdict: { kind: 'human' } });
    const [alo] = report.utterances;
    expect(report.botAudio[0]!.startMs).toBeGreaterThan(alo!.endMs);
    expect(texts).toEqual(['Hello, this is Acme.', 'This is Acme, calling about your order.']);
    expect(requests).toBe(1); // "Dạ alô, ai đấy ạ?" only: the "Alô?" was the detector's
  });

  it('a voicemail: no greeting, the message after the beep, then a hangup', async () => {
    const { report, result, texts, prompts } = await callOut('0902000002');
    expect(result).toEqual({ answered_by: 'voicemail' });
    expect(texts).toEqual(['Please call Acme back, anh Nam.']);
    expect(prompts).toEqual([]);
    expect(report.botAudio[0]!.startMs).toBeGreaterThanOrEqual(voicemailMs);
    expect(report.hangup).toBeDefined();
    expect(report.hangup!.atMs).toBeGreaterThanOrEqual(report.botAudio.at(-1)!.endMs - 300);
  });
});
