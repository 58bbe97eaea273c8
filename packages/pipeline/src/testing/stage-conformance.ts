import {
  firstValueFrom,
  from,
  lastValueFrom,
  NEVER,
  Observable,
  Subject,
  throwError,
  toArray,
} from 'rxjs';
import type { AudioFrame } from '../audio-frame.js';
import { type AudioStagePlugin, checkStagePlugin } from '../stage-plugin.js';
import type { TestApi } from './test-api.js';

/** Options of `describeStageConformance`. */
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
