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
import { createMp3Encoder, type Mp3EncoderBackendFactory, type Mp3Frame } from '../mp3-encoder.js';
import { parseMp3FrameHeader } from '../mp3-frame-header.js';
import type { SpeechToText } from '../speech-to-text.js';
import { type AudioStagePlugin, checkStagePlugin } from '../stage-plugin.js';
import type { TextToSpeech } from '../text-to-speech.js';

/** The parts of a test runner the kit needs (vitest's and jest's fit). */
export interface TestApi {
  /** Groups tests under a name. */
  describe(name: string, body: () => void): void;
  /** One test. */
  it(name: string, body: () => unknown): void;
  /** The runner's assertion function. */
  // biome-ignore lint/suspicious/noExplicitAny: any runner's expect
  expect: (value: unknown) => any;
}

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

/** Options of `describeTtsConformance`. */
export interface TtsConformanceOptions {
  /** A voice of the engine's to test with (default: its first). */
  readonly voice?: string;
  /** A voice it does not have (default `no-such-voice`). */
  readonly unknownVoice?: string;
}

/** Registers the conformance suite for a `TextToSpeech` plugin. */
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

/** Options of `describeMp3BackendConformance`. */
export interface Mp3BackendConformanceOptions {
  /** Decodes MP3 bytes (e.g. with mpg123-decoder) so the kit can check what comes out. */
  readonly decode?: (bytes: Uint8Array) => Promise<{ samples: Float32Array; sampleRate: number }>;
}

/**
 * Registers the conformance suite for an MP3 encoder backend (`Mp3EncoderBackendFactory`):
 * through `createMp3Encoder`, 8 kHz mono CBR whole frames of the asked bitrate, a stream
 * as long as its input plus the declared delay, streams restartable after a flush, and —
 * with `decode` — audio that decodes back to the input.
 */
export function describeMp3BackendConformance(
  name: string,
  backend: Mp3EncoderBackendFactory,
  test: TestApi,
  options: Mp3BackendConformanceOptions = {},
): void {
  const { describe, it, expect } = test;
  const input = Int16Array.from({ length: 8000 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)),
  );
  const encodeAll = (bitrateKbps = 32) => {
    const encoder = createMp3Encoder({ backend, bitrateKbps });
    const frames: Mp3Frame[] = [];
    for (let at = 0; at < input.length; at += 160)
      frames.push(...encoder.encode(input.subarray(at, at + 160)));
    frames.push(...encoder.flush());
    return { encoder, frames };
  };

  describe(`${name}: MP3 encoder backend conformance`, () => {
    it('writes whole 8 kHz mono MPEG-2.5 Layer III frames, CBR at the asked bitrate', () => {
      for (const bitrateKbps of [16, 32, 64]) {
        const { encoder, frames } = encodeAll(bitrateKbps);
        expect(frames.length).toBeGreaterThan(10);
        for (const frame of frames) {
          const header = parseMp3FrameHeader(frame.data);
          expect(header).toMatchObject({
            sampleRate: 8000,
            channels: 1,
            bitrateKbps,
            samplesPerFrame: 576,
          });
          expect(frame.data.length).toBe(header.frameLength);
        }
        encoder.close();
      }
    });

    it('plays as long as its input plus the declared delay (to a frame)', () => {
      const { encoder, frames } = encodeAll();
      expect(encoder.delaySamples).toBeGreaterThanOrEqual(0);
      const samples = frames.length * 576;
      expect(samples).toBeGreaterThanOrEqual(input.length + encoder.delaySamples - 576);
      expect(samples).toBeLessThanOrEqual(input.length + encoder.delaySamples + 2 * 576);
      encoder.close();
    });

    it('starts a new stream after a flush, and refuses use after close', () => {
      const { encoder } = encodeAll();
      const again = [...encoder.encode(input), ...encoder.flush()];
      expect(again.length).toBeGreaterThan(10);
      expect(again[0]!.index).toBe(0);
      encoder.close();
      expect(() => encoder.encode(input)).toThrow();
    });

    if (options.decode) {
      const decode = options.decode;
      it('decodes back to the input (a 440 Hz tone at its level)', async () => {
        const { encoder, frames } = encodeAll();
        encoder.close();
        const bytes = new Uint8Array(frames.reduce((n, f) => n + f.data.length, 0));
        let at = 0;
        for (const f of frames) {
          bytes.set(f.data, at);
          at += f.data.length;
        }
        const { samples, sampleRate } = await decode(bytes);
        expect(sampleRate).toBe(8000);
        const middle = samples.subarray(2000, 6000);
        const rms = Math.sqrt(middle.reduce((sum, s) => sum + s * s, 0) / middle.length);
        expect(rms).toBeGreaterThan(0.15); // 8000 / 32768 / √2 ≈ 0.17
        expect(rms).toBeLessThan(0.2);
      });
    }
  });
}

/** Options of `describeSttConformance`. */
export interface SttConformanceOptions {
  /** 8 kHz (or the engine's first rate) mono speech to transcribe, one utterance. */
  readonly speech: Int16Array;
  /** What the engine must hear in it (a final transcript matching this). */
  readonly expected: RegExp;
  /** Passed to `transcribe`. */
  readonly language?: string;
}

/** Registers the conformance suite for a `SpeechToText` plugin. */
export function describeSttConformance(
  stt: SpeechToText,
  { describe, it, expect }: TestApi,
  options: SttConformanceOptions,
): void {
  const rate = stt.sampleRates[0]!;
  const framesOf = (samples: Int16Array): AudioFrame[] => {
    const size = rate / 50;
    const frames: AudioFrame[] = [];
    for (let at = 0; at < samples.length; at += size)
      frames.push({
        samples: samples.slice(at, at + size),
        sampleRate: rate,
        channel: 'a',
        startSample: at,
      });
    return frames;
  };
  const transcribe = (samples: Int16Array) =>
    stt.transcribe(
      from(framesOf(samples)),
      options.language === undefined ? {} : { language: options.language },
    );

  describe(`${stt.name}: speech-to-text conformance (specification 1)`, () => {
    it('describes itself', () => {
      expect(stt.specificationVersion).toBe(1);
      expect(stt.name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(stt.sampleRates.length).toBeGreaterThan(0);
      expect(typeof stt.streaming).toBe('boolean');
    });

    it('hears the speech: final transcripts that say it, then completes', async () => {
      const transcripts = await lastValueFrom(transcribe(options.speech).pipe(toArray()));
      const finals = transcripts.filter((t) => t.type === 'final');
      expect(finals.length).toBeGreaterThan(0);
      expect(finals.map((t) => t.text).join(' ')).toMatch(options.expected);
      for (const t of transcripts) {
        expect(['interim', 'final']).toContain(t.type);
        if (t.confidence !== undefined) {
          expect(t.confidence).toBeGreaterThanOrEqual(0);
          expect(t.confidence).toBeLessThanOrEqual(1);
        }
        for (const timing of t.timings ?? [])
          expect(timing.endMs).toBeGreaterThanOrEqual(timing.startMs);
      }
      // Interim results, if any, come before the last final one.
      expect(transcripts.at(-1)!.type).toBe('final');
    });

    it('is cold: nothing happens until subscribed, and each subscription transcribes anew', async () => {
      const stream = transcribe(options.speech);
      const [a, b] = await Promise.all([
        lastValueFrom(stream.pipe(toArray())),
        lastValueFrom(stream.pipe(toArray())),
      ]);
      const text = (ts: typeof a) =>
        ts
          .filter((t) => t.type === 'final')
          .map((t) => t.text)
          .join(' ');
      expect(text(b)).toBe(text(a));
    });

    it('completes for silence, with no final transcript that says anything', async () => {
      const transcripts = await lastValueFrom(transcribe(new Int16Array(rate)).pipe(toArray()));
      expect(transcripts.filter((t) => t.type === 'final' && t.text.trim() !== '')).toEqual([]);
    });

    it('emits nothing more once unsubscribed (barge-in, or the call ending)', async () => {
      const seen: unknown[] = [];
      const subscription = transcribe(options.speech).subscribe({
        next: (t) => seen.push(t),
        error: (e: unknown) => seen.push(e),
      });
      subscription.unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen).toEqual([]);
    });
  });
}
