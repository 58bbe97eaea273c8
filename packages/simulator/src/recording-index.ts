// Finds known recordings in a stretch of audio by their exact samples — what the emulator
// sends arrives unchanged over PCM — and says the words of each as far as it was heard.

/** A recording to recognise: its samples (8 kHz) and what it says. */
export interface KnownRecording {
  /** Mono 16-bit samples at 8 kHz, as the emulator plays them. */
  readonly samples: Int16Array;
  /** What it says. */
  readonly text: string;
  /** Where its speech ends, ms (default: its end); a beep or silence may follow. */
  readonly speechEndMs?: number;
}

/** Samples hashed per probe: 3 ms. */
const WINDOW = 24;
/** Indexed every this many samples; a probe is tried at every sample. */
const STRIDE = 16;
/** A window quieter than this (peak) is not indexed: silence and line noise match nothing. */
const MIN_PEAK = 200;

interface Entry {
  readonly recording: number;
  readonly offset: number;
}

function hashAt(samples: Int16Array, at: number): number | undefined {
  let hash = 2166136261;
  let peak = 0;
  for (let i = at; i < at + WINDOW; i++) {
    const x = samples[i]!;
    peak = Math.max(peak, Math.abs(x));
    hash = Math.imul(hash ^ (x & 0xffff), 16777619) >>> 0;
  }
  return peak >= MIN_PEAK ? hash : undefined;
}

/** The words of a recording whose middles fall between two sample offsets. */
function wordsBetween(recording: KnownRecording, from: number, to: number): string[] {
  const words = recording.text.split(/\s+/).filter(Boolean);
  const chars = words.reduce((sum, word) => sum + word.length, 0);
  const speech = Math.min(
    recording.samples.length,
    recording.speechEndMs === undefined ? recording.samples.length : recording.speechEndMs * 8,
  );
  let before = 0;
  return words.filter((word) => {
    const middle = ((before + word.length / 2) / chars) * speech;
    before += word.length;
    return middle >= from && middle <= to;
  });
}

/**
 * An index of known recordings: `recognise(pcm)` returns the words of each one found in
 * `pcm` (in the order heard), as far as `pcm` holds it — the start of an announcement
 * gives its first words. Windows that two recordings share (the same beep) are left out.
 */
export function createRecordingIndex(recordings: readonly KnownRecording[]): {
  recognise(pcm: Int16Array): string;
} {
  const index = new Map<number, Entry | null>();
  recordings.forEach((recording, r) => {
    const { samples } = recording;
    for (let offset = 0; offset + WINDOW <= samples.length; offset += STRIDE) {
      const hash = hashAt(samples, offset);
      if (hash === undefined) continue;
      const seen = index.get(hash);
      index.set(hash, seen === undefined ? { recording: r, offset } : null);
    }
  });
  return {
    recognise(pcm) {
      const heard: string[] = [];
      let at = 0;
      while (at + WINDOW <= pcm.length) {
        const hash = hashAt(pcm, at);
        const entry = hash === undefined ? undefined : index.get(hash);
        if (!entry) {
          at++;
          continue;
        }
        const recording = recordings[entry.recording]!;
        const end = matchEnd(pcm, at, recording.samples, entry.offset);
        if (end === undefined) {
          at++;
          continue;
        }
        const start = matchStart(pcm, at, recording.samples, entry.offset);
        heard.push(...wordsBetween(recording, entry.offset - start, entry.offset + end));
        at += end;
      }
      return heard.join(' ');
    },
  };
}

/** How far `pcm` from `at` equals `samples` from `offset` (undefined: not even the window). */
function matchEnd(pcm: Int16Array, at: number, samples: Int16Array, offset: number) {
  let n = 0;
  while (at + n < pcm.length && offset + n < samples.length && pcm[at + n] === samples[offset + n])
    n++;
  return n >= WINDOW ? n : undefined;
}

/** How far back before `at` the two still agree. */
function matchStart(pcm: Int16Array, at: number, samples: Int16Array, offset: number) {
  let n = 0;
  while (at - n > 0 && offset - n > 0 && pcm[at - n - 1] === samples[offset - n - 1]) n++;
  return n;
}
