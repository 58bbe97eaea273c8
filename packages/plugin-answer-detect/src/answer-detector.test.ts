import type { AudioFrame } from '@psrkit/pipeline';
import { loadWebRtcVad, type OpenVad } from '@psrkit/plugin-vad';
import { concatPcm } from '@psrkit/protocol';
import { from, lastValueFrom, Observable, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { buzz, energyVad, fixture, noise, silence, tone } from './__fixtures__/espeak.js';
import {
  type AnswerDetectorOptions,
  type AnswerEvent,
  createAnswerDetector,
  createCadenceDetector,
} from './index.js';
import { answerFrames } from './testing/index.js';

const events = (samples: Int16Array | AudioFrame[], options: AnswerDetectorOptions = {}) => {
  const frames = samples instanceof Int16Array ? answerFrames(samples) : samples;
  return lastValueFrom(
    createAnswerDetector({ openVad: energyVad, ...options })
      .detect(from(frames))
      .pipe(toArray()),
  );
};
const verdictOf = async (
  samples: Int16Array | AudioFrame[],
  options: AnswerDetectorOptions = {},
) => {
  const [first] = await events(samples, options);
  if (first?.type !== 'verdict') throw new Error('no verdict first');
  return first.verdict;
};

describe('the cadence detector', () => {
  it('a short greeting then silence is a person, afterGreetingSilenceMs after the last word', async () => {
    const verdict = await verdictOf(concatPcm([silence(0.5), buzz(0.6), silence(2)]));
    expect(verdict).toEqual({
      kind: 'human',
      cause: 'short-greeting',
      decidedBy: 'cadence',
      atMs: 1900,
      tookMs: 1900,
      evidence: {
        timeline: [
          { type: 'silence', startMs: 0, endMs: 500 },
          { type: 'speech', startMs: 500, endMs: 1100 },
          { type: 'silence', startMs: 1100, endMs: 1900 },
        ],
        voicedMs: 600,
        words: 1,
      },
    });
  });

  it('a long greeting is a machine (reported as voicemail) once greetingMs of voice is heard, and its end follows', async () => {
    const all = await events(concatPcm([silence(0.3), buzz(4), silence(2)]));
    expect(all).toEqual([
      {
        type: 'verdict',
        verdict: expect.objectContaining({ kind: 'voicemail', cause: 'long-greeting', atMs: 2700 }),
      },
      { type: 'greeting-end', greetingEnd: { cause: 'silence', atMs: 4300 + 1500 } },
    ]);
  });

  it('a beep is a voicemail when it ends, and ends the greeting', async () => {
    const all = await events(
      concatPcm([silence(0.3), buzz(1), silence(0.3), tone(1000, 0.5), silence(2)]),
    );
    const [first, second] = all as [Extract<AnswerEvent, { type: 'verdict' }>, AnswerEvent];
    expect(first.verdict).toMatchObject({ kind: 'voicemail', cause: 'beep', atMs: 2120 });
    const beep = first.verdict.evidence.beep!;
    expect(beep).toMatchObject({ endMs: 2100, frequencyHz: 1000 });
    expect(beep.startMs).toBeGreaterThanOrEqual(1600);
    expect(beep.startMs).toBeLessThanOrEqual(1620);
    expect(first.verdict.evidence.timeline.slice(-2)).toEqual([
      { type: 'tone', startMs: beep.startMs, endMs: 2100 },
      { type: 'silence', startMs: 2100, endMs: 2120 },
    ]);
    expect(second).toEqual({
      type: 'greeting-end',
      greetingEnd: { cause: 'beep', atMs: 2100, beep },
    });
    expect(all).toHaveLength(2);
  });

  it('after a long greeting, a beep ends it', async () => {
    const all = await events(
      concatPcm([silence(0.3), buzz(3), silence(0.4), tone(850, 0.4), silence(1)]),
    );
    expect(all.map((e) => e.type)).toEqual(['verdict', 'greeting-end']);
    expect(all[1]).toMatchObject({
      greetingEnd: { cause: 'beep', atMs: 4100, beep: { frequencyHz: 850 } },
    });
  });
});

describe('the cadence detector: edges, clocks and framing', () => {
  it('silence, and line noise, are silence after initialSilenceMs', async () => {
    expect(await verdictOf(silence(4))).toMatchObject({
      kind: 'silence',
      cause: 'initial-silence',
      atMs: 2500,
    });
    const webRtc = { openVad: (await loadWebRtcVad()) as OpenVad };
    expect(await verdictOf(noise(4, 400), webRtc)).toMatchObject({ kind: 'silence', atMs: 2500 });
  });

  it('unknown when the audio ends first, or is empty', async () => {
    expect(await verdictOf(concatPcm([silence(0.3), buzz(0.5)]))).toMatchObject({
      kind: 'unknown',
      cause: 'stream-end',
      atMs: 800,
      evidence: { words: 1 },
    });
    expect(await verdictOf([])).toMatchObject({
      kind: 'unknown',
      cause: 'no-audio',
      atMs: 0,
      tookMs: 0,
    });
  });

  it('decides on the call clock: frames carry their position', async () => {
    const pcm = concatPcm([silence(0.5), buzz(0.6), silence(2)]);
    const late = answerFrames(pcm, { startSample: 8000 * 10 });
    expect(await verdictOf(late)).toMatchObject({ atMs: 11_900, tookMs: 1900 });
  });

  it('gives the same verdict for frames of any size and for a VAD that answers asynchronously', async () => {
    const pcm = concatPcm([silence(0.3), buzz(1), silence(0.3), tone(1000, 0.5), silence(2)]);
    const expected = await verdictOf(pcm);
    const odd: AudioFrame[] = [];
    for (let at = 0; at < pcm.length; at += 333)
      odd.push({
        samples: pcm.slice(at, at + 333),
        sampleRate: 8000,
        channel: 'b',
        startSample: at,
      });
    expect(await verdictOf(odd)).toEqual(expected);
    const slow: OpenVad = (options) => {
      const vad = energyVad(options);
      return { ...vad, isSpeech: (frame) => Promise.resolve(vad.isSpeech(frame) as boolean) };
    };
    expect(await verdictOf(pcm, { openVad: slow })).toEqual(expected);
  });

  it('stops listening once decided', async () => {
    let pulled = 0;
    const frames = answerFrames(concatPcm([silence(0.5), buzz(0.6), silence(10)]));
    const counted = new Observable<AudioFrame>((subscriber) => {
      for (const frame of frames) {
        if (subscriber.closed) return;
        pulled++;
        subscriber.next(frame);
      }
      subscriber.complete();
    });
    await lastValueFrom(
      createCadenceDetector({ openVad: energyVad }).detect(counted).pipe(toArray()),
    );
    expect(pulled).toBe(1900 / 20);
  });
});

describe('with eSpeak NG speech and the WebRTC VAD', () => {
  const withSilence = (speech: Int16Array, after = 3) =>
    concatPcm([silence(0.5), speech, silence(after)]);
  const detect = async (
    samples: Int16Array,
    options: AnswerDetectorOptions = {},
  ): Promise<AnswerEvent[]> =>
    lastValueFrom(
      createAnswerDetector(options)
        .detect(from(answerFrames(samples)))
        .pipe(toArray()),
    );

  it('"Dạ alô, ai đấy ạ?" is a person within a second of its end', async () => {
    const alo = fixture('alo');
    const [first] = await detect(withSilence(alo));
    expect(first).toMatchObject({
      type: 'verdict',
      verdict: { kind: 'human', cause: 'short-greeting' },
    });
    const { atMs } = (first as Extract<AnswerEvent, { type: 'verdict' }>).verdict;
    expect(atMs - (500 + alo.length / 8)).toBeGreaterThanOrEqual(800);
    expect(atMs - (500 + alo.length / 8)).toBeLessThan(1000);
  });

  it('a carrier announcement is a long greeting; a voicemail greeting then its beep ends', async () => {
    const [busy] = await detect(withSilence(fixture('busy')));
    expect(busy).toMatchObject({ verdict: { kind: 'voicemail', cause: 'long-greeting' } });
    const greeting = fixture('voicemail');
    const all = await detect(
      concatPcm([silence(0.5), greeting, silence(0.4), tone(1000, 0.5), silence(1)]),
    );
    expect(all).toMatchObject([
      { verdict: { kind: 'voicemail', cause: 'long-greeting' } },
      { greetingEnd: { cause: 'beep', beep: { frequencyHz: 1000 } } },
    ]);
    const end = all[1] as Extract<AnswerEvent, { type: 'greeting-end' }>;
    const toneEndMs = 500 + greeting.length / 8 + 900;
    expect(Math.abs(end.greetingEnd.atMs - toneEndMs)).toBeLessThan(20); // a frame's length
  });
});

describe('bad input', () => {
  const run = (frames: AudioFrame[], options: AnswerDetectorOptions = {}) =>
    lastValueFrom(
      createAnswerDetector({ openVad: energyVad, ...options })
        .detect(from(frames))
        .pipe(toArray()),
    );
  const audioError = (message: RegExp) =>
    expect.objectContaining({
      name: 'AnswerDetectError',
      code: 'INVALID_AUDIO',
      message: expect.stringMatching(message),
    });

  it('refuses a rate the VAD cannot take, a change of rate, and two sides, with INVALID_AUDIO', async () => {
    const openVad = (await loadWebRtcVad()) as OpenVad;
    await expect(run(answerFrames(silence(1), { sampleRate: 11025 }), { openVad })).rejects.toEqual(
      audioError(/11025/),
    );
    const mixed = [
      ...answerFrames(silence(0.1)),
      ...answerFrames(silence(0.1), { sampleRate: 16000, startSample: 800 }),
    ];
    await expect(run(mixed)).rejects.toEqual(audioError(/changed rate/));
    const sides = [
      ...answerFrames(silence(0.1), { channel: 'a' }),
      ...answerFrames(silence(0.1), { channel: 'b' }),
    ];
    await expect(run(sides)).rejects.toEqual(audioError(/sides a and b/));
  });

  it('passes on the audio’s own error', async () => {
    const failing = new Observable<AudioFrame>((s) => s.error(new Error('socket closed')));
    await expect(
      lastValueFrom(createAnswerDetector({ openVad: energyVad }).detect(failing)),
    ).rejects.toThrow('socket closed');
  });

  it('refuses bad options with INVALID_OPTION, naming the option', () => {
    const invalid = (message: RegExp) =>
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(message) });
    expect(() => createAnswerDetector({ cadence: { afterGreetingSilenceMs: Number.NaN } })).toThrow(
      invalid(/afterGreetingSilenceMs/),
    );
    expect(() => createAnswerDetector({ use: 'transcript' })).toThrow(invalid(/transcript\.stt/));
    expect(() => createAnswerDetector({ greetingEnd: { silenceMs: -5 } })).toThrow(
      invalid(/greetingEnd\.silenceMs/),
    );
  });
});
