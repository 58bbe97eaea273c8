import type { AudioFrame, CallSide } from '@psrkit/pipeline';

/**
 * Cuts mono PCM16 into a call's 20 ms frames (what `call.audio()` gives), the first at
 * `startSample` (default 0) on side `channel` (default `b`, the called party).
 */
export function answerFrames(
  samples: Int16Array,
  options: { sampleRate?: number; channel?: CallSide; startSample?: number } = {},
): AudioFrame[] {
  const sampleRate = options.sampleRate ?? 8000;
  const size = sampleRate / 50;
  const frames: AudioFrame[] = [];
  for (let at = 0; at < samples.length; at += size)
    frames.push({
      samples: samples.slice(at, at + size),
      sampleRate,
      channel: options.channel ?? 'b',
      startSample: (options.startSample ?? 0) + at,
    });
  return frames;
}
