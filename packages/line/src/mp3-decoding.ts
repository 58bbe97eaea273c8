import { MPEGDecoder } from 'mpg123-decoder';

/** A real MP3 decoder (mpg123 in WASM), as PSR would run one. */
export interface Mp3Decoder {
  /** Decodes whole frames; returns 16-bit PCM and how many frames failed. */
  decode(bytes: Uint8Array): { pcm: Int16Array; sampleRate: number; errors: number };
  /** Forgets the stream so far (await it before the next `decode`). */
  reset(): Promise<void>;
  free(): void;
}

/** Creates a decoder once its WASM is ready (decoding before that throws). */
export async function createMp3Decoder(): Promise<Mp3Decoder> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  return {
    decode(bytes) {
      const { channelData, sampleRate, errors } = decoder.decode(bytes);
      const left = channelData[0] ?? new Float32Array(0);
      const pcm = new Int16Array(left.length);
      for (let i = 0; i < left.length; i++)
        pcm[i] = Math.max(-32768, Math.min(32767, Math.round(left[i]! * 32768)));
      return { pcm, sampleRate, errors: errors.length };
    },
    reset: () => decoder.reset(),
    free: () => decoder.free(),
  };
}
