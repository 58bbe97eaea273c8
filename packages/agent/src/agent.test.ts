import { fileURLToPath } from 'node:url';
import { SttError } from '@psrkit/pipeline';
import { createTestTts } from '@psrkit/pipeline/testing';
import { loadWebRtcVad } from '@psrkit/plugin-vad';
import { loadCallerAudio, placeCall } from '@psrkit/simulator';
import { createPsrServer, silentLogger } from '@psrkit/transport';
import { from, lastValueFrom, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { scriptedLiveStt, scriptedModel, scriptedStt, toneTts } from './__fixtures__/scripted.js';
import { createAgent } from './agent.js';
import type { AgentEvent } from './agent-options.js';

const openVad = await loadWebRtcVad();
const sample = (name: string) =>
  loadCallerAudio(fileURLToPath(import.meta.resolve(`@psrkit/simulator/samples/${name}.wav`)));
const hello = await sample('hello'); // 3.2 s
const interrupt = await sample('interrupt'); // ~2 s

type Agent = Parameters<typeof createAgent>[0];
async function converse(
  agent: Agent,
  caller: { atMs: number; samples: Int16Array }[],
  tailMs: number,
) {
  const server = createPsrServer({ port: 0, bot: createAgent(agent), logger: silentLogger });
  await server.listen();
  try {
    return await placeCall({ url: server.url, caller, tailMs });
  } finally {
    await server.close();
  }
}
/** The text of the user and assistant messages of a prompt. */
const said = (prompt: unknown[]) =>
  (prompt as { role: string; content: string | { type: string; text?: string }[] }[])
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map(
      (m) =>
        `${m.role}: ${typeof m.content === 'string' ? m.content : m.content.map((p) => p.text ?? `<${p.type}>`).join('')}`,
    );

describe.concurrent('the agent', { timeout: 40_000 }, () => {
  it('greets, hears the caller, answers, and transfers once the reply was heard', async () => {
    const { tts, texts } = toneTts();
    const { model, prompts } = scriptedModel([
      {
        text: 'Of course. I am putting you through now.',
        toolCall: { name: 'transfer', input: { extension: '204' } },
      },
    ]);
    const events: AgentEvent[] = [];
    const report = await converse(
      {
        model,
        stt: scriptedStt(['I would like to talk to a person.']),
        tts,
        openVad,
        instructions: (call) =>
          `You answer calls for Acme. Address the caller as ${call.params['danh_xung'] ?? 'sir'}.`,
        greeting: 'Hello, this is Acme.',
        onEvent: (event) => events.push(event),
      },
      [{ atMs: 1500, samples: hello }],
      12_000,
    );
    expect(texts).toEqual(['Hello, this is Acme.', 'Of course. I am putting you through now.']);
    expect(prompts).toHaveLength(1);
    expect(said(prompts[0]!)).toEqual([
      'assistant: Hello, this is Acme.',
      'user: I would like to talk to a person.',
    ]);
    expect(report.transfer?.extension).toBe('204');
    // The transfer comes after the reply's audio, not in the middle of it.
    const lastAudio = report.botAudio.at(-1)!;
    expect(report.transfer!.atMs).toBeGreaterThanOrEqual(lastAudio.endMs - 300);
    expect(report.summary.violations).toBe(0);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['transcript', 'first-token', 'tool-call', 'first-audio']),
    );
  });

  it('falls silent when the caller speaks over it, and the next request holds only what they heard', async () => {
    const long =
      'Our new plan gives you twice the data for the same price every month. It also adds calls to thirty countries. And families get five phones on one bill.';
    const { tts } = toneTts();
    const { model, prompts } = scriptedModel([{ text: long }, { text: 'Sorry, go ahead.' }]);
    const events: AgentEvent[] = [];
    const report = await converse(
      {
        model,
        stt: scriptedStt(['Tell me about your plans.', 'Wait, how much is it?']),
        tts,
        openVad,
        instructions: 'You sell phone plans.',
        onEvent: (event) => events.push(event),
      },
      [
        { atMs: 500, samples: hello },
        { atMs: 7000, samples: interrupt }, // ~2.5 s into the ~9 s answer
      ],
      6000,
    );
    expect(report.summary.bargeIns).toBeGreaterThanOrEqual(1);
    const interrupted = events.find((e) => e.type === 'interrupted');
    expect(interrupted).toMatchObject({
      said: expect.stringContaining('Our new plan'),
      timings: 'estimated', // a version-1 engine gives no word timings
    });
    expect(prompts).toHaveLength(2);
    const history = said(prompts[1]!);
    expect(history[0]).toBe('user: Tell me about your plans.');
    const heard = history[1]!
      .replace(/^assistant: /, '')
      .replace(/ \[interrupted by the caller\]$/, '');
    expect(history[1]).toMatch(/\[interrupted by the caller\]$/);
    expect(long.startsWith(heard)).toBe(true);
    expect(heard.length).toBeGreaterThan(10);
    expect(heard.length).toBeLessThan(long.length);
    expect(history[2]).toBe('user: Wait, how much is it?');
  });

  it('with an engine’s word timings, the history holds exactly the words the caller heard', async () => {
    // One sentence, so its words' times follow from the text: 60 ms a character, 60 ms a space.
    const long =
      'Our new plan gives you twice the data for the same price every month and adds calls to thirty countries and five phones on one bill.';
    const tts = createTestTts({ sampleRate: 8000, msPerChar: 60 });
    const { model, prompts } = scriptedModel([{ text: long }, { text: 'Sorry, go ahead.' }]);
    const events: AgentEvent[] = [];
    await converse(
      {
        model,
        stt: scriptedStt(['Tell me about your plans.', 'Wait, how much is it?']),
        tts,
        openVad,
        instructions: 'You sell phone plans.',
        onEvent: (event) => events.push(event),
      },
      [
        { atMs: 500, samples: hello },
        { atMs: 7000, samples: interrupt }, // a few seconds into the ~8 s answer
      ],
      6000,
    );
    const interrupted = events.find((e) => e.type === 'interrupted');
    if (interrupted?.type !== 'interrupted') throw new Error('the caller did not interrupt');
    expect(interrupted.timings).toBe('measured');
    let endMs = -60;
    const expected = long
      .split(' ')
      .filter((word) => {
        endMs += 60 + word.length * 60;
        return endMs <= interrupted.heardMs;
      })
      .join(' ');
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(long.length);
    expect(interrupted.heard).toBe(expected);
    expect(said(prompts[1]!).slice(1, 2)).toEqual([
      `assistant: ${expected} [interrupted by the caller]`,
    ]);
  });

  it('starts on a pause, drops that work when the caller goes on, and answers the whole turn', async () => {
    // Words by how long the caller spoke: a first part, then the whole of it.
    let requests = 0;
    const stt: Agent['stt'] = {
      specificationVersion: 1,
      name: 'by-length',
      sampleRates: [8000],
      streaming: false,
      transcribe: (audio) =>
        from(
          lastValueFrom(audio.pipe(toArray())).then((frames) => {
            requests++;
            const seconds = frames.reduce((n, f) => n + f.samples.length / f.sampleRate, 0);
            const text = seconds < 4 ? 'I want to' : 'I want to change my plan.';
            return { type: 'final' as const, text };
          }),
        ),
    };
    const { tts } = toneTts();
    const { model, prompts } = scriptedModel([
      { text: 'Dropped before it was said.' },
      { text: 'Of course, which plan would you like?' },
    ]);
    const events: AgentEvent[] = [];
    await converse(
      { model, stt, tts, openVad, instructions: 'You sell plans.', onEvent: (e) => events.push(e) },
      [
        { atMs: 500, samples: hello },
        { atMs: 500 + 3200 + 450, samples: hello }, // goes on after 450 ms: past 250, short of 700
      ],
      5000,
    );
    // The pause's work was dropped and reported: its transcript, and the model's request
    // when it had started by then (a busy machine may transcribe after the caller went on).
    const dropped = events.filter((e) => e.type === 'early-start-dropped');
    expect(dropped).toEqual([
      {
        type: 'early-start-dropped',
        sttRequests: 1,
        modelRequests: expect.any(Number),
        modelTextChars: expect.any(Number),
      },
    ]);
    const wasted = dropped[0]!.type === 'early-start-dropped' ? dropped[0]!.modelRequests : -1;
    expect(requests).toBe(2);
    expect(prompts).toHaveLength(1 + wasted);
    expect(said(prompts.at(-1)!)).toEqual(['user: I want to change my plan.']);
    expect(events.find((e) => e.type === 'turn-end')).toMatchObject({ by: 'complete' });
  });

  it('waits out the silence rule when the transcript does not read complete', async () => {
    const { tts } = toneTts();
    const { model } = scriptedModel([{ text: 'Yes?' }]);
    const events: AgentEvent[] = [];
    await converse(
      {
        model,
        stt: scriptedStt(['Tell me about your plans.']),
        tts,
        openVad,
        instructions: 'You sell plans.',
        turnComplete: () => false,
        onEvent: (e) => events.push(e),
      },
      [{ atMs: 500, samples: hello }],
      4000,
    );
    expect(events.filter((e) => e.type === 'turn-end')).toEqual([
      { type: 'turn-end', by: 'silence', waitMs: expect.any(Number) },
    ]);
  });

  it('with a streaming recogniser: one stream for the call, and a final that ends a sentence ends the turn', async () => {
    const live = scriptedLiveStt(['Hello, who are you?', 'I would like to.']);
    const { tts, texts } = toneTts();
    const { model, prompts } = scriptedModel([
      { text: 'I am the Acme assistant.' },
      { text: 'Yes?' },
    ]);
    const events: AgentEvent[] = [];
    await converse(
      {
        model,
        stt: live.stt,
        tts,
        openVad,
        instructions: 'You answer calls for Acme.',
        onEvent: (e) => events.push(e),
      },
      [
        { atMs: 500, samples: hello },
        { atMs: 9000, samples: hello },
      ],
      4000,
    );
    expect(live.streams()).toBe(1);
    expect(
      events.filter((e) => e.type === 'transcript').map((e) => e.type === 'transcript' && e.text),
    ).toEqual(['Hello, who are you?', 'I would like to.']);
    // The first reads complete: the recogniser's end of speech ends the turn. The second
    // leaves its sentence hanging: the silence rule does.
    expect(
      events.filter((e) => e.type === 'turn-end').map((e) => e.type === 'turn-end' && e.by),
    ).toEqual(['transcript', 'silence']);
    expect(said(prompts[0]!)).toEqual(['user: Hello, who are you?']);
    expect(texts).toContain('I am the Acme assistant.');
    expect(events.some((e) => e.type === 'early-start-dropped')).toBe(false);
  });

  it('when the live recogniser fails, says so once and transcribes each turn on its own', async () => {
    let streams = 0;
    const batch = scriptedStt(['Hello, who are you?']);
    const stt: Agent['stt'] = {
      ...batch,
      streaming: true,
      // The call's stream (the first) fails; turns given on their own are heard.
      transcribe: (audio, options) =>
        streams++ === 0
          ? throwError(() => new SttError('NETWORK_ERROR', 'the socket broke'))
          : batch.transcribe(audio, options),
    };
    const { tts } = toneTts();
    const { model, prompts } = scriptedModel([{ text: 'I am the Acme assistant.' }]);
    const events: AgentEvent[] = [];
    await converse(
      { model, stt, tts, openVad, instructions: 'You answer.', onEvent: (e) => events.push(e) },
      [{ atMs: 500, samples: hello }],
      4000,
    );
    expect(events.filter((e) => e.type === 'error')).toEqual([
      { type: 'error', stage: 'stt', error: expect.objectContaining({ code: 'NETWORK_ERROR' }) },
    ]);
    expect(streams).toBe(2);
    expect(said(prompts[0]!)).toEqual(['user: Hello, who are you?']);
    expect(events.find((e) => e.type === 'turn-end')).toMatchObject({ by: 'complete' });
  });
});
