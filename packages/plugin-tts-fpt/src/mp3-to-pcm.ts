import { createResampler, TtsError } from '@psrkit/pipeline';
import { MPEGDecoder } from 'mpg123-decoder';

/** Float samples (−1…1) as 16-bit PCM. */
function int16(samples: Float32Array): Int16Array {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++)
    pcm[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768)));
  return pcm;
}

/**
 * A whole MP3 file as mono 16-bit PCM at `sampleRate` (its first channel, resampled from
 * the file's rate), decoded by mpg123 compiled to WebAssembly.
 * @throws {TtsError} `INVALID_RESPONSE` when the bytes hold no MP3 audio
 */
export async function mp3ToPcm(bytes: Uint8Array, sampleRate: number): Promise<Int16Array> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  let decoded: ReturnType<MPEGDecoder['decode']>;
  try {
    decoded = decoder.decode(bytes);
  } finally {
    decoder.free();
  }
  const channel = decoded.channelData[0];
  if (!channel || decoded.samplesDecoded === 0)
    throw new TtsError(
      'INVALID_RESPONSE',
      `the audio file is not MP3 (${bytes.length} bytes, no frame decoded)`,
    );
  const pcm = int16(channel.subarray(0, decoded.samplesDecoded));
  if (decoded.sampleRate === sampleRate) return pcm;
  const resampler = createResampler({ inputRate: decoded.sampleRate, outputRate: sampleRate });
  const head = resampler.push(pcm);
  const tail = resampler.flush();
  const out = new Int16Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
