import type { OperatorFunction } from 'rxjs';
import { codecOperator } from './codec-operator.js';
import { createMp3Encoder, type Mp3EncoderOptions, type Mp3Frame } from './mp3-encoder.js';

/**
 * Encodes a stream of mono PCM16 pieces to whole MP3 frames with one encoder, flushed
 * only when the stream completes; the encoder is released on unsubscribe.
 *
 * @example
 * ```ts
 * pcm8k$.pipe(encodeMp3({ bitrateKbps: 32 }), mp3Chunks({ framesPerChunk: 2 }));
 * ```
 */
export function encodeMp3(options: Mp3EncoderOptions = {}): OperatorFunction<Int16Array, Mp3Frame> {
  return codecOperator(() => {
    const encoder = createMp3Encoder(options);
    return {
      push: (samples) => encoder.encode(samples),
      flush: () => encoder.flush(),
      close: () => encoder.close(),
    };
  });
}
