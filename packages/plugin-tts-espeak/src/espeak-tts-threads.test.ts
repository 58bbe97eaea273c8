// eSpeak NG off the event loop: speeches take turns on the engines, and the event loop
// runs while a long sentence is synthesised (on the main thread, with `threads: 0`, it
// does not: the comparison `pnpm bench:load`'s eSpeak scenario measures).
import type { TextToSpeech } from '@psrkit/pipeline';
import { describe, expect, it } from 'vitest';
import { createEspeakTts } from './espeak-tts.js';

const LONG_TEXT = Array.from(
  { length: 12 },
  (_, i) => `This is sentence number ${i + 1} of a long answer that goes on for a while.`,
).join(' ');
/** One sentence of about 300 words, no stop in it: a second or so of the engine's time. */
const LONG_SENTENCE = Array.from({ length: 60 }, () => 'and the order is on its way').join(', ');

/** Subscribes to `text`, logging its first piece and its end as `name`. */
function follow(tts: TextToSpeech, text: string, name: string, log: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let first = true;
    tts.synthesize(text).subscribe({
      next: () => {
        if (first) log.push(`${name} first audio`);
        first = false;
      },
      complete: () => {
        log.push(`${name} done`);
        resolve();
      },
      error: reject,
    });
  });
}

/** Interval ticks between the first and the last piece of `text`, and the pieces. */
async function ticksWhileSpeaking(tts: TextToSpeech, text: string) {
  let ticks = 0;
  const interval = setInterval(() => ticks++, 1);
  try {
    let atFirst: number | undefined;
    let pieces = 0;
    await new Promise<void>((resolve, reject) =>
      tts.synthesize(text).subscribe({
        next: () => {
          atFirst ??= ticks;
          pieces++;
        },
        complete: resolve,
        error: reject,
      }),
    );
    return { ticks: ticks - atFirst!, pieces };
  } finally {
    clearInterval(interval);
  }
}

// Workers load tsx and their engine from the sources: seconds on a busy machine.
describe.each([1, 0])('eSpeak NG with threads: %i', { timeout: 120_000 }, (threads) => {
  it("takes turns: a short sentence's audio comes before a long text (asked for first) is done", async () => {
    const tts = await createEspeakTts({ threads });
    const log: string[] = [];
    await Promise.all([follow(tts, LONG_TEXT, 'long', log), follow(tts, 'Yes.', 'short', log)]);
    expect(log.indexOf('short first audio')).toBeLessThan(log.indexOf('long done'));
    expect(log.indexOf('short done')).toBeLessThan(log.indexOf('long done'));
  });
});

describe('the event loop while eSpeak NG synthesises', { timeout: 120_000 }, () => {
  it('keeps running between the pieces of one long sentence in a worker thread', async () => {
    const tts = await createEspeakTts({ threads: 1 });
    const { ticks, pieces } = await ticksWhileSpeaking(tts, LONG_SENTENCE);
    expect(pieces).toBeGreaterThan(100);
    expect(ticks).toBeGreaterThan(3);
  });

  it('stands still for a whole sentence on the main thread (threads: 0)', async () => {
    const tts = await createEspeakTts({ threads: 0 });
    const { ticks, pieces } = await ticksWhileSpeaking(tts, LONG_SENTENCE);
    expect(pieces).toBeGreaterThan(100);
    expect(ticks).toBe(0);
  });
});

it('refuses a thread count that is not a whole number from 0 to 32', async () => {
  for (const threads of [-1, 1.5, 33, Number.NaN])
    await expect(createEspeakTts({ threads })).rejects.toMatchObject({
      name: 'EspeakError',
      code: 'INVALID_OPTION',
      message: `threads: must be a whole number from 0 to 32, got ${threads}`,
    });
});
