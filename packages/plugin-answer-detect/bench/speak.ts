// eSpeak NG (the Debian package's `espeak-ng`), its 22 050 Hz output resampled to 8 kHz,
// cached by content: the file's name is a hash of the text, the voice, the settings and
// espeak's version, so a run reuses what an earlier one made.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createResampler } from '@psrkit/pipeline';
import { concatPcm, decodeWav, encodeWav } from '@psrkit/protocol';

const run = promisify(execFile);
export const RATE = 8000;

export interface Voice {
  /** espeak voice with variant, e.g. `vi+f3`. */
  readonly voice: string;
  /** Words per minute. */
  readonly speed: number;
  /** 0–99. */
  readonly pitch: number;
  /** Pause between words, 10 ms units. */
  readonly gap: number;
}

let version: Promise<string> | undefined;
const espeakVersion = () => {
  version ??= run('espeak-ng', ['--version']).then(
    ({ stdout }) => stdout.trim(),
    () => {
      throw new Error('espeak-ng is not installed (Debian: apt-get install espeak-ng)');
    },
  );
  return version;
};

export const cacheDir = join(tmpdir(), 'psrkit-answer-bench');

/** The text spoken by `voice`, 8 kHz mono, silence trimmed at both ends. */
export async function speak(text: string, voice: Voice): Promise<Int16Array> {
  const key = createHash('sha256')
    .update(JSON.stringify([await espeakVersion(), text, voice, RATE]))
    .digest('hex')
    .slice(0, 24);
  const file = join(cacheDir, `${key}.wav`);
  if (existsSync(file)) return decodeWav(readFileSync(file)).samples;
  mkdirSync(cacheDir, { recursive: true });
  const raw = `${file}.${process.pid}.raw.wav`;
  const args = [
    '-v',
    voice.voice,
    '-s',
    `${voice.speed}`,
    '-p',
    `${voice.pitch}`,
    '-g',
    `${voice.gap}`,
  ];
  await run('espeak-ng', [...args, '-w', raw, text]);
  const wav = decodeWav(readFileSync(raw));
  rmSync(raw);
  const resampler = createResampler({ inputRate: wav.sampleRate, outputRate: RATE });
  const samples = trim(concatPcm([resampler.push(wav.samples), resampler.flush()]));
  writeFileSync(`${file}.tmp`, encodeWav({ sampleRate: RATE, channels: 1, samples }));
  renameSync(`${file}.tmp`, file);
  return samples;
}

/** Without the silence espeak puts before and after the words (below −50 dBFS). */
function trim(samples: Int16Array): Int16Array {
  const loud = (i: number) => Math.abs(samples[i]!) > 32768 * 10 ** (-50 / 20);
  let start = 0;
  while (start < samples.length && !loud(start)) start++;
  let end = samples.length;
  while (end > start && !loud(end - 1)) end--;
  return samples.slice(start, end);
}

/** Runs `work` on each item, `limit` at a time, results in order. */
export async function eachLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}
