// Writes the test fixtures in src/__fixtures__/: short 8 kHz WAVs spoken by eSpeak NG
// (`espeak-ng -v <voice> -s <speed> -p <pitch> -w out.wav "<text>"`, resampled from
// 22 050 Hz to 8 kHz by @psrkit/pipeline's resampler, silence trimmed). Run after
// changing them: pnpm exec tsx bench/make-fixtures.ts (their texts are in
// src/__fixtures__/espeak.ts).
import { writeFileSync } from 'node:fs';
import { encodeWav } from '@psrkit/protocol';
import { FIXTURES } from '../src/__fixtures__/espeak.js';
import { RATE, speak } from './speak.js';

for (const [name, { text, voice }] of Object.entries(FIXTURES)) {
  const samples = await speak(text, { voice, speed: 165, pitch: 50, gap: 1 });
  const file = new URL(`../src/__fixtures__/${name}.wav`, import.meta.url);
  writeFileSync(file, encodeWav({ sampleRate: RATE, channels: 1, samples }));
  console.log(`${name}.wav: ${(samples.length / RATE).toFixed(2)} s "${text}"`);
}
