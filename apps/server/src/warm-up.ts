import { performance } from 'node:perf_hooks';
import {
  createChunkSource,
  type Mp3EncoderBackendFactory,
  preparePsrWav,
  type WorkQueue,
} from '@psrkit/pipeline';
import {
  chunkAction,
  decodeEvent,
  encodeAction,
  encodeEvent,
  encodeWav,
  mediaEvent,
} from '@psrkit/protocol';

export interface WarmUpOptions {
  readonly mp3Backend: Mp3EncoderBackendFactory;
  readonly format: 'mp3' | 'pcm16';
  readonly bitrateKbps: number;
  readonly framesPerChunk: number;
  /** The server's work queue: files are prepared there, as in a call. */
  readonly work: WorkQueue;
}

const ROUNDS = 8;

/**
 * Runs every hot path of a call a few times before the server reports ready, so that the
 * first calls do not pay for compiling them (V8's optimiser, WASM instances, resampler
 * tables): inbound frames decoded, speech at a TTS rate resampled, encoded and cut into
 * chunks, chunk actions written, a 22.05 kHz prompt prepared as a file. Resolves with
 * how long it took, ms. Yields to the event loop between rounds.
 */
export async function warmUp(options: WarmUpOptions): Promise<number> {
  const started = performance.now();
  const speech = Int16Array.from({ length: 24_000 }, (_, i) =>
    Math.round(8000 * Math.sin(i / 7) * Math.sin(i / 2400)),
  );
  const inbound = encodeEvent(
    mediaEvent({ callId: 'warm-up', channel: 'stereo', samples: new Int16Array(320) }),
  );
  const prompt = encodeWav({
    sampleRate: 22_050,
    channels: 1,
    samples: speech.subarray(0, 22_050),
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < 50; i++) decodeEvent(inbound);
    const source = createChunkSource({
      sampleRate: 24_000,
      format: options.format,
      framesPerChunk: options.framesPerChunk,
      pcmChunkSamples: 160,
      bitrateKbps: options.bitrateKbps,
      mp3Backend: options.mp3Backend,
    });
    for (let at = 0; at < speech.length; at += 480) source.push(speech.subarray(at, at + 480));
    source.end();
    for (;;) {
      const chunk = source.next();
      if (chunk) encodeAction(chunkAction(chunk.data, { format: chunk.format }));
      else if (source.atTail) source.flush();
      else break;
    }
    source.close();
    await new Promise<void>((resolve, reject) =>
      preparePsrWav(prompt, {}, options.work, (result) =>
        result instanceof Error ? reject(result) : resolve(),
      ),
    );
  }
  return performance.now() - started;
}
