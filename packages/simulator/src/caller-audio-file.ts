import { readFile } from 'node:fs/promises';
import { toMono8k } from '@psrkit/line';
import { PipelineError } from '@psrkit/pipeline';
import { decodeWav, isProtocolError } from '@psrkit/protocol';
import { SimulatorError } from './errors.js';

/**
 * Reads a caller recording (any WAV PSR-side tools write: PCM 8–32 bit, float, A-law,
 * µ-law; any rate, any channels) as mono 16-bit PCM at 8000 Hz, as PSR would hear it.
 */
export async function loadCallerAudio(source: string | Uint8Array): Promise<Int16Array> {
  const where = typeof source === 'string' ? source : 'caller audio';
  let bytes: Uint8Array;
  try {
    bytes = typeof source === 'string' ? await readFile(source) : source;
  } catch (cause) {
    throw new SimulatorError('INVALID_CALLER_AUDIO', `cannot read: ${(cause as Error).message}`, {
      path: where,
      cause,
    });
  }
  let wav: ReturnType<typeof decodeWav>;
  try {
    wav = decodeWav(bytes, { allowTruncated: true });
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    throw new SimulatorError('INVALID_CALLER_AUDIO', cause.message, { path: where, cause });
  }
  try {
    return toMono8k(wav.samples, wav.sampleRate, wav.channels);
  } catch (cause) {
    if (!(cause instanceof PipelineError)) throw cause;
    throw new SimulatorError('INVALID_CALLER_AUDIO', `cannot play audio at ${wav.sampleRate} Hz`, {
      path: where,
      cause,
    });
  }
}
