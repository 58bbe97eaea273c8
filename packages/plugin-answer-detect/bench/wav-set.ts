// A recorded labelled set: `--set <dir>` with one WAV per answer (any rate, mono or the
// first channel), its label the first word of its name that is a class —
// `human-0042.wav`, `person_17.wav`, `voicemail-beep-3.wav`, `announcement-busy-viettel.wav`,
// `silence-12.wav` — and, for announcements, the kind right after it when there is one. A
// `<name>.txt` beside a WAV holds what is said in it (used by the oracle speech-to-text
// over the whole clip); without one the transcript rows skip that clip.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createResampler } from '@psrkit/pipeline';
import { concatPcm, decodeWav } from '@psrkit/protocol';
import type { AnnouncementKind } from '../src/index.js';
import type { Clip, Truth } from './labelled-clip.js';
import { RATE } from './speak.js';

const CLASSES: Record<string, Truth> = {
  human: 'human',
  person: 'human',
  voicemail: 'voicemail',
  machine: 'voicemail',
  announcement: 'announcement',
  silence: 'silence',
};
const KINDS = [
  'busy',
  'unreachable',
  'out-of-coverage',
  'no-answer',
  'invalid-number',
  'suspended',
];

export function wavSet(dir: string): Clip[] {
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.wav'))
    .sort();
  return files.flatMap((file): Clip[] => {
    const name = basename(file, '.wav').toLowerCase();
    const words = name.split(/[-_. ]+/);
    const at = words.findIndex((w) => w in CLASSES);
    if (at < 0) {
      console.warn(`skipped ${file}: no class in its name`);
      return [];
    }
    const truth = CLASSES[words[at]!]!;
    const kind = KINDS.find((k) => name.includes(k));
    const wav = decodeWav(readFileSync(join(dir, file)));
    let samples: Int16Array = Int16Array.from(
      { length: wav.frames },
      (_, i) => wav.samples[i * wav.channels]!,
    );
    if (wav.sampleRate !== RATE) {
      const resampler = createResampler({ inputRate: wav.sampleRate, outputRate: RATE });
      samples = concatPcm([resampler.push(samples), resampler.flush()]);
    }
    const textFile = join(dir, `${basename(file, '.wav')}.txt`);
    const spoken = existsSync(textFile)
      ? [
          {
            startMs: 0,
            endMs: (samples.length * 1000) / RATE,
            text: readFileSync(textFile, 'utf8').trim(),
            language: '',
          },
        ]
      : [];
    return [
      {
        id: name,
        truth,
        ...(truth === 'announcement' && kind && { announcement: kind as AnnouncementKind }),
        noise: 'recorded',
        samples,
        spoken,
      },
    ];
  });
}
