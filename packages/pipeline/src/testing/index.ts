/**
 * Conformance kit for pipeline stage plugins: `describeStageConformance(plugin, vitest)`
 * registers a suite that any plugin runs against itself.
 */
import {
  firstValueFrom,
  from,
  lastValueFrom,
  NEVER,
  Observable,
  Subject,
  take,
  tap,
  throwError,
  toArray,
} from 'rxjs';
import type { AudioFrame } from '../audio-frame.js';
import { type AudioStagePlugin, checkStagePlugin } from '../stage-plugin.js';
import type { TextToSpeech } from '../text-to-speech.js';

/** The parts of a test runner the kit needs (vitest's and jest's fit). */
export interface TestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => unknown): void;
  // biome-ignore lint/suspicious/noExplicitAny: any runner's expect
  expect: (value: unknown) => any;
}

export interface ConformanceOptions<O> {
  /** Options passed to `createStage` (omit for stages without options). */
  readonly stageOptions?: O;
  /** Rate to test with when the plugin accepts any (default 8000). */
  readonly sampleRate?: number;
}

/** 20 ms frames of a 440 Hz tone at half scale, alternating sides. */
export function testFrames(sampleRate: number, count = 10): AudioFrame[] {
  const size = sampleRate / 50;
  return Array.from({ length: count }, (_, n) => ({
    samples: Int16Array.from({ length: size }, (_, i) =>
      Math.round(16000 * Math.sin((2 * Math.PI * 440 * (n * size + i)) / sampleRate)),
    ),
    sampleRate,
    channel: n % 2 === 0 ? 'a' : 'b',
    startSample: Math.floor(n / 2) * size,
  }));
}

/** Registers the conformance suite for `plugin`. */
export function describeStageConformance<O>(
  plugin: AudioStagePlugin<O>,
  test: TestApi,
  options: ConformanceOptions<O> = {},
): void {
  const { describe, it, expect } = test;
  const rates = plugin.input.sampleRates;
  const sampleRate = rates === 'any' ? (options.sampleRate ?? 8000) : rates[0]!;
  const stage = () => plugin.createStage(options.stageOptions as O);

  describe(`${plugin.name}: pipeline stage conformance (specification 1)`, () => {
    it('meets the plugin contract', () => {
      expect(() => checkStagePlugin(plugin as AudioStagePlugin<never>)).not.toThrow();
    });

    it("emits mono Int16 frames at the declared rate, keeping each frame's side", async () => {
      const input = testFrames(sampleRate);
      const output = await lastValueFrom(from(input).pipe(stage(), toArray()));
      const outRate = plugin.output === 'same-as-input' ? sampleRate : plugin.output.sampleRate;
      expect(output.length).toBeGreaterThan(0);
      for (const frame of output) {
        expect(frame.samples).toBeInstanceOf(Int16Array);
        expect(frame.sampleRate).toBe(outRate);
        expect(['a', 'b']).toContain(frame.channel);
      }
      expect(new Set(output.map((f) => f.channel))).toEqual(new Set(['a', 'b']));
    });

    it('does not mutate its input frames', async () => {
      const input = testFrames(sampleRate);
      const copies = input.map((f) => Int16Array.from(f.samples));
      await lastValueFrom(from(input).pipe(stage(), toArray()));
      for (const [i, frame] of input.entries()) expect(frame.samples).toEqual(copies[i]);
    });

    it('accepts empty frames', async () => {
      const empty: AudioFrame = {
        samples: new Int16Array(0),
        sampleRate,
        channel: 'a',
        startSample: 0,
      };
      await expect(lastValueFrom(from([empty]).pipe(stage(), toArray()))).resolves.toBeInstanceOf(
        Array,
      );
    });

    it('forwards errors', async () => {
      const failure = new Error('upstream failed');
      await expect(firstValueFrom(throwError(() => failure).pipe(stage()))).rejects.toBe(failure);
    });

    it('completes when its source completes', async () => {
      await expect(lastValueFrom(from<AudioFrame[]>([]).pipe(stage(), toArray()))).resolves.toEqual(
        [],
      );
    });

    it('unsubscribes from its source when unsubscribed', () => {
      let subscribed = 0;
      const source = new Observable<AudioFrame>((subscriber) => {
        subscribed++;
        const inner = NEVER.subscribe(subscriber);
        return () => {
          subscribed--;
          inner.unsubscribe();
        };
      });
      const subscription = source.pipe(stage()).subscribe();
      expect(subscribed).toBe(1);
      subscription.unsubscribe();
      expect(subscribed).toBe(0);
    });

    it('gives independent state to each stage it creates', async () => {
      const input = testFrames(sampleRate, 6);
      const first = await lastValueFrom(from(input).pipe(stage(), toArray()));
      const subject = new Subject<AudioFrame>();
      const second = lastValueFrom(subject.pipe(stage(), toArray()));
      for (const frame of input) subject.next(frame);
      subject.complete();
      expect((await second).map((f) => [...f.samples])).toEqual(first.map((f) => [...f.samples]));
    });
  });
}

export interface TtsConformanceOptions {
  /** A voice of the engine's to test with (default: its first). */
  readonly voice?: string;
  /** A voice it does not have (default `no-such-voice`). */
  readonly unknownVoice?: string;
}

/** Registers the conformance suite for a {@link TextToSpeech} plugin. */
export function describeTtsConformance(
  tts: TextToSpeech,
  test: TestApi,
  options: TtsConformanceOptions = {},
): void {
  const { describe, it, expect } = test;
  const voice = options.voice ?? tts.voices[0];
  const say = (text: string) => tts.synthesize(text, voice === undefined ? {} : { voice });

  describe(`${tts.name}: text-to-speech conformance (specification 1)`, () => {
    it('describes itself', () => {
      expect(tts.specificationVersion).toBe(1);
      expect(tts.name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(Number.isInteger(tts.sampleRate) && tts.sampleRate > 0).toBe(true);
      expect(tts.voices.length).toBeGreaterThan(0);
    });

    it('emits mono Int16 pieces, audible, about as long as the words, then completes', async () => {
      const pieces = await lastValueFrom(
        say('Hello, this is a test of the speech engine.').pipe(toArray()),
      );
      expect(pieces.length).toBeGreaterThan(0);
      for (const piece of pieces) expect(piece).toBeInstanceOf(Int16Array);
      const samples = pieces.reduce((sum, p) => sum + p.length, 0);
      const seconds = samples / tts.sampleRate;
      expect(seconds).toBeGreaterThan(1);
      expect(seconds).toBeLessThan(8);
      let peak = 0;
      for (const piece of pieces) for (const s of piece) peak = Math.max(peak, Math.abs(s));
      expect(peak).toBeGreaterThan(1000);
    });

    it('is cold: each subscription synthesises the same speech anew', async () => {
      const once = say('Again.');
      const a = await lastValueFrom(once.pipe(toArray()));
      const b = await lastValueFrom(once.pipe(toArray()));
      // Engines may carry a little state between utterances (a few samples of phase).
      const length = (pieces: Int16Array[]) => pieces.reduce((n, p) => n + p.length, 0);
      expect(Math.abs(length(b) - length(a))).toBeLessThanOrEqual(length(a) * 0.01);
    });

    it('completes without audio for empty text', async () => {
      const pieces = await lastValueFrom(say('   ').pipe(toArray()));
      expect(pieces.reduce((n, p) => n + p.length, 0)).toBe(0);
    });

    it('errors (not throws) for an unknown voice', async () => {
      const unknown = tts.synthesize('Hello.', { voice: options.unknownVoice ?? 'no-such-voice' });
      await expect(lastValueFrom(unknown)).rejects.toBeInstanceOf(Error);
    });

    it('emits nothing more once unsubscribed (barge-in)', async () => {
      let seen = 0;
      const first = await lastValueFrom(
        say('This sentence goes on. '.repeat(20)).pipe(
          tap(() => seen++),
          take(1),
        ),
      );
      expect(first).toBeInstanceOf(Int16Array);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toBe(1);
    });
  });
}
