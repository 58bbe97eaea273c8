// Fixtures spoken by eSpeak NG (made by bench/make-fixtures.ts; how is said there), and
// small signals made in the tests.
import { readFileSync } from 'node:fs';
import type { OpenVad } from '@psrkit/plugin-vad';
import { decodeWav } from '@psrkit/protocol';

/** What each fixture says, and with which eSpeak voice. */
export const FIXTURES = {
  alo: { text: 'Dạ alô, ai đấy ạ?', voice: 'vi' },
  busy: {
    text: 'Thuê bao quý khách vừa gọi hiện đang bận, xin quý khách vui lòng gọi lại sau.',
    voice: 'vi+f3',
  },
  voicemail: {
    text: "Hi, you've reached John. I can't come to the phone right now, please leave a message after the beep.",
    voice: 'en-us',
  },
} as const;

/** A fixture's samples (8 kHz mono). */
export function fixture(name: keyof typeof FIXTURES): Int16Array {
  return decodeWav(readFileSync(new URL(`./${name}.wav`, import.meta.url))).samples;
}

/** `seconds` of digital silence at 8 kHz. */
export const silence = (seconds: number) => new Int16Array(Math.round(seconds * 8000));

/** A sine at 8 kHz. */
export function tone(hz: number, seconds: number, amplitude = 8000): Int16Array {
  return Int16Array.from({ length: Math.round(seconds * 8000) }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000)),
  );
}

/** Deterministic white noise at `rms` (sample units). */
export function noise(seconds: number, rms: number, seed = 1): Int16Array {
  let state = seed;
  return Int16Array.from({ length: Math.round(seconds * 8000) }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return Math.round((state / 2 ** 32 - 0.5) * 2 * rms * Math.sqrt(3));
  });
}

/** A "voice": a 200 Hz buzz with harmonics (not a pure tone), at `amplitude`. */
export function buzz(seconds: number, amplitude = 6000): Int16Array {
  return Int16Array.from({ length: Math.round(seconds * 8000) }, (_, i) => {
    const t = (2 * Math.PI * 200 * i) / 8000;
    return Math.round(amplitude * (0.6 * Math.sin(t) + 0.5 * Math.sin(2 * t) + 0.4 * Math.sin(3 * t) + 0.3 * Math.sin(4 * t)));
  });
}

/**
 * A VAD for exact tests: speech when a 20 ms frame's RMS is over 300. Refuses rates other
 * than 8 kHz the way a real engine does (a thrown error).
 */
export const energyVad: OpenVad = ({ sampleRate }) => {
  if (sampleRate !== 8000) throw new Error(`energy VAD: 8000 Hz only, got ${sampleRate}`);
  return {
    sampleRate,
    frameSamples: 160,
    isSpeech(frame) {
      let sum = 0;
      for (const s of frame) sum += s * s;
      return Math.sqrt(sum / frame.length) > 300;
    },
    reset() {},
    close() {},
  };
};
