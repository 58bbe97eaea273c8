import { createMp3Encoder } from '@psrkit/pipeline';

/** `ms` of a tone at 8 kHz, mono. */
export function tone(ms: number, hz = 440, amplitude = 8000): Int16Array {
  return Int16Array.from({ length: ms * 8 }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000)));
}

/** `ms` of silence at 8 kHz. */
export const silence = (ms: number) => new Int16Array(ms * 8);

/** PCM encoded with the pipeline's MP3 encoder, flushed: whole frames, one per array entry. */
export function mp3FramesOf(pcm: Int16Array): Uint8Array[] {
  const encoder = createMp3Encoder();
  try {
    return [...encoder.encode(pcm), ...encoder.flush()].map((frame) => frame.data);
  } finally {
    encoder.close();
  }
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Root-mean-square level of a PCM span. */
export function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return pcm.length ? Math.sqrt(sum / pcm.length) : 0;
}
