#!/usr/bin/env node
// Writes the bundled answer samples (samples/answers/*.wav): what a bot hears when the
// network or the callee answers an outbound call — carriers' announcements, voicemail
// greetings ending in a beep, a person's first words. Synthetic voices made here with
// espeak-ng (voices `vi` and `en-us`), resampled by sox to 8000 Hz mono 16-bit PCM, silence
// trimmed at both ends; not recordings of any real carrier or person.
//
//   node packages/simulator/scripts/make-answer-samples.mjs
//
// Needs espeak-ng and sox on the PATH. The output is deterministic (no dither), so
// re-running it leaves the committed files unchanged unless espeak-ng or sox changed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = join(import.meta.dirname, '..', 'samples', 'answers');
const AGAIN_VI = 'xin quý khách vui lòng gọi lại sau.';

/** name → [espeak-ng voice, text, ends with a voicemail beep]. */
const SAMPLES = {
  'busy-vi': ['vi', `Thuê bao quý khách vừa gọi hiện đang bận, ${AGAIN_VI}`],
  'busy-en': ['en-us', 'The number you have called is busy, please call later.'],
  'unreachable-vi': ['vi', `Thuê bao quý khách vừa gọi tạm thời không liên lạc được, ${AGAIN_VI}`],
  'unreachable-en': ['en-us', 'The number you have called cannot be reached, please call later.'],
  'out-of-coverage-vi': [
    'vi',
    `Thuê bao quý khách vừa gọi hiện đang ở ngoài vùng phủ sóng, ${AGAIN_VI}`,
  ],
  'out-of-coverage-en': [
    'en-us',
    'The number you have called is out of coverage, please call later.',
  ],
  'voicemail-vi': [
    'vi',
    'Xin chào, hiện tôi không thể nghe máy, vui lòng để lại lời nhắn sau tiếng bíp.',
    true,
  ],
  'voicemail-en': ['en-us', "Hi, you've reached Lan. Please leave a message after the beep.", true],
  'alo-vi': ['vi', 'Alô?'],
  'alo-ai-day-vi': ['vi', 'Dạ alô, ai đấy ạ?'],
  'hello-en': ['en-us', 'Hello?'],
  'yes-speaking-en': ['en-us', 'Yes, speaking.'],
};

/** sox arguments for 8 kHz mono 16-bit output, without dither (deterministic). */
const TO_8K = ['-D', '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer'];
// Trims quiet (< 0.5 % of full scale) at both ends; keeps 20 ms of lead-in.
const TRIM = ['silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse'];

const work = mkdtempSync(join(tmpdir(), 'psrkit-answers-'));
try {
  mkdirSync(out, { recursive: true });
  const gap = join(work, 'gap.wav');
  const beep = join(work, 'beep.wav');
  // The beep: 300 ms of silence, then a steady 1 kHz tone for 600 ms at −6 dBFS.
  execFileSync('sox', ['-n', ...TO_8K, gap, 'trim', '0', '0.3']);
  execFileSync('sox', ['-n', ...TO_8K, beep, 'synth', '0.6', 'sine', '1000', 'vol', '0.5']);
  for (const [name, [voice, text, withBeep]] of Object.entries(SAMPLES)) {
    const raw = join(work, `${name}.raw.wav`);
    const speech = join(work, `${name}.wav`);
    execFileSync('espeak-ng', ['-v', voice, '-s', '185', '-w', raw, text]);
    execFileSync('sox', [raw, ...TO_8K, speech, 'gain', '-3', ...TRIM, 'pad', '0.02', '0']);
    const target = join(out, `${name}.wav`);
    execFileSync(
      'sox',
      withBeep ? [speech, gap, beep, ...TO_8K, target] : [speech, ...TO_8K, target],
    );
    console.log(`${target}: ${execFileSync('soxi', ['-D', target]).toString().trim()} s`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
