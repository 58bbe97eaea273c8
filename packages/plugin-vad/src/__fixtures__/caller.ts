import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AudioFrame } from '@psrkit/pipeline';
import { decodeWav } from '@psrkit/protocol';

/** The simulator's bundled caller recording (8 kHz mono): three utterances with pauses. */
export function callerRecording(): Int16Array {
  const path = fileURLToPath(new URL('../../../simulator/samples/caller.wav', import.meta.url));
  return decodeWav(readFileSync(path)).samples;
}

/** Cuts PCM into 20 ms frames on side `channel`. */
export function framesOf(samples: Int16Array, channel: 'a' | 'b' = 'a', sampleRate = 8000): AudioFrame[] {
  const size = sampleRate / 50;
  const frames: AudioFrame[] = [];
  for (let at = 0; at + size <= samples.length; at += size)
    frames.push({ samples: samples.slice(at, at + size), sampleRate, channel, startSample: at });
  return frames;
}

/** Deterministic white noise at `rmsLevel`. */
export function noise(length: number, rmsLevel: number, seed = 1): Int16Array {
  let state = seed;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Int16Array.from({ length }, () => Math.round((random() * 2 - 1) * rmsLevel * Math.sqrt(3)));
}
