import { speechLike } from '@psrkit/pipeline';
import type { Bot } from '@psrkit/transport';
import { Observable } from 'rxjs';

export interface LoadTestBotOptions {
  /** Rate of the synthetic speech, Hz (default 24 000, a common TTS rate: it is resampled). */
  readonly sampleRate?: number;
  /** Length of each sentence, ms (default 3000). */
  readonly sentenceMs?: number;
  /** Caller level that counts as speech, dBFS (default −40). */
  readonly speechDbfs?: number;
  /** Speech that must last this long before the bot yields, ms (default 60). */
  readonly bargeInMs?: number;
  /** Silence that re-arms barge-in after the caller spoke, ms (default 300). */
  readonly rearmMs?: number;
  /**
   * After a barge-in the bot falls silent and answers this much later, ms (default 1500:
   * a speech recogniser's end of turn and a model's first words take about that). The
   * silence the caller hears is this less the stale audio (up to the lead, 144 ms by
   * default): it must stay over the emulator's 1 s stream gap, or the answer is taken for
   * the same stream and the silence for a 1 s underrun (at 1200 ms it was, now and then,
   * with a 200 ms lead). 0 answers at once.
   */
  readonly answerAfterMs?: number;
  /**
   * What the bot says instead of its synthetic speech: the `index`-th utterance as a TTS
   * engine gives it, at `sampleRate` (the eSpeak scenario of `pnpm bench:load` puts a
   * real engine here). Default: slices of speech-like noise, made at once.
   */
  readonly speech?: {
    readonly sampleRate: number;
    utterance(index: number): Observable<Int16Array>;
  };
}

/** Reads the options from `LOAD_BOT_RATE`, `LOAD_BOT_SENTENCE_MS`, `LOAD_BOT_SPEECH_DBFS`, `LOAD_BOT_BARGE_IN_MS`, `LOAD_BOT_ANSWER_AFTER_MS`. */
export function loadTestBotOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): LoadTestBotOptions {
  const read = (name: string, min: number, max: number): number | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new RangeError(
        `${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    return n;
  };
  const sampleRate = read('LOAD_BOT_RATE', 8000, 48_000);
  const sentenceMs = read('LOAD_BOT_SENTENCE_MS', 100, 60_000);
  const speechDbfs = read('LOAD_BOT_SPEECH_DBFS', -90, 0);
  const bargeInMs = read('LOAD_BOT_BARGE_IN_MS', 20, 5000);
  const answerAfterMs = read('LOAD_BOT_ANSWER_AFTER_MS', 0, 10_000);
  return {
    ...(answerAfterMs !== undefined && { answerAfterMs }),
    ...(sampleRate !== undefined && { sampleRate }),
    ...(sentenceMs !== undefined && { sentenceMs }),
    ...(speechDbfs !== undefined && { speechDbfs }),
    ...(bargeInMs !== undefined && { bargeInMs }),
  };
}

const PIECE_MS = 20;

/**
 * A bot for load runs: it talks without a pause (synthetic speech-like sentences at
 * `sampleRate`, each produced at once as a TTS would, resampled, MP3-encoded and paced by
 * the server), listens to the caller, and when the caller speaks over it for
 * `bargeInMs` it cuts itself off and answers with a new sentence `answerAfterMs` later
 * (a speech recogniser's and a model's time). Every call is thus
 * a full-duplex talking call with a barge-in per caller utterance: what `pnpm
 * bench:load` puts on the server to find its calls per core.
 */
export function createLoadTestBot(options: LoadTestBotOptions = {}): Bot & {
  prepare(): Promise<void>;
} {
  const sampleRate = options.speech?.sampleRate ?? options.sampleRate ?? 24_000;
  const sentenceSamples = Math.round(((options.sentenceMs ?? 3000) * sampleRate) / 1000);
  const pieceSamples = (sampleRate * PIECE_MS) / 1000;
  // Mean square of a frame at the speech threshold (full scale = 32 768).
  const threshold = 32768 ** 2 * 10 ** ((options.speechDbfs ?? -40) / 10);
  const bargeInFrames = Math.max(1, Math.round((options.bargeInMs ?? 60) / PIECE_MS));
  const rearmFrames = Math.max(1, Math.round((options.rearmMs ?? 300) / PIECE_MS));
  const answerAfterMs = options.answerAfterMs ?? 1500;
  let voice: Int16Array | undefined;
  const prepare = async () => {
    if (!options.speech) voice ??= speechLike(sampleRate, 10, 3);
  };

  /** The `index`-th sentence: a slice of the voice, emitted in 20 ms pieces at once. */
  const sentence = (index: number): Observable<Int16Array> =>
    new Observable((subscriber) => {
      const source = voice!;
      const from = (index * 7919 * pieceSamples) % Math.max(1, source.length - sentenceSamples);
      for (let at = 0; at < sentenceSamples && !subscriber.closed; at += pieceSamples)
        subscriber.next(
          source.subarray(from + at, from + Math.min(at + pieceSamples, sentenceSamples)),
        );
      subscriber.complete();
    });

  const bot: Bot = async (call) => {
    await prepare();
    let said = 0;
    const say = (mode: 'queue' | 'interrupt') =>
      call.stream((options.speech?.utterance ?? sentence)(said++), { sampleRate, mode });
    // Keep one sentence queued behind the one being heard: the line never runs dry.
    const talking = call.events$.subscribe((event) => {
      if (event.type === 'playback-start' && event.kind === 'stream') say('queue');
    });
    say('queue');

    let loud = 0;
    let quiet = rearmFrames;
    let answer: ReturnType<typeof setTimeout> | undefined;
    const listening = call.audio().subscribe((frame) => {
      let sum = 0;
      for (const sample of frame.samples) sum += sample * sample;
      if (sum / frame.samples.length >= threshold) {
        loud++;
        quiet = 0;
      } else if (++quiet >= rearmFrames) loud = 0;
      // Barge-in: the caller spoke over the bot; cut it, and answer a moment later.
      if (loud !== bargeInFrames) return;
      if (answerAfterMs === 0) return void say('interrupt');
      call.interrupt();
      clearTimeout(answer);
      answer = setTimeout(() => say('interrupt'), answerAfterMs);
    });
    await call.closed;
    clearTimeout(answer);
    talking.unsubscribe();
    listening.unsubscribe();
  };
  return Object.assign(bot, { prepare });
}

/** The load-test bot configured from the environment (`--bot @psrkit/server/load-test-bot`). */
const loadTestBot = createLoadTestBot(loadTestBotOptionsFromEnv());
export default loadTestBot;
export const prepare = loadTestBot.prepare;
