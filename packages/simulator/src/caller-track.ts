import type { EmulatedLine } from '@psrkit/line';
import type { CallSide } from '@psrkit/pipeline';
import { interleaveStereo, PSR_SAMPLE_RATE, type PsrChannel } from '@psrkit/protocol';

const RATE = PSR_SAMPLE_RATE / 1000; // samples per ms

/** A piece of caller speech placed on the call's clock. */
export interface CallerSegment {
  /** When the caller starts saying it, ms from `connected`. */
  readonly atMs: number;
  /** Mono 16-bit PCM at 8000 Hz (see `loadCallerAudio`). */
  readonly samples: Int16Array;
}

/** Lays caller pieces on one track (mixing where they overlap). */
export function composeCaller(caller: Int16Array | readonly CallerSegment[]): Int16Array {
  if (caller instanceof Int16Array) return caller;
  const length = Math.max(0, ...caller.map((s) => Math.round(s.atMs * RATE) + s.samples.length));
  const track = new Int16Array(length);
  for (const { atMs, samples } of caller) {
    const at = Math.round(atMs * RATE);
    for (let i = 0; i < samples.length; i++)
      track[at + i] = Math.max(-32768, Math.min(32767, track[at + i]! + samples[i]!));
  }
  return track;
}

/**
 * The audio PSR sends for `count` samples from `from`: the caller's voice on `side`, what
 * the line plays on the other side (the bot, as PSR hears it), laid out as `channel` says
 * (one side for `mono_a`/`mono_b`, interleaved A and B for `stereo`); past the recording,
 * silence, or `tail` played in a loop (line noise).
 */
export function callerPiece(
  track: Int16Array,
  line: EmulatedLine,
  layout: { readonly channel: PsrChannel; readonly side: CallSide },
  from: number,
  count: number,
  tail?: Int16Array,
): Int16Array {
  const spoken = track.subarray(from, Math.min(from + count, track.length));
  const padded = spoken.length === count ? spoken : new Int16Array(count);
  if (padded !== spoken) {
    padded.set(spoken);
    if (tail?.length)
      for (let i = spoken.length; i < count; i++) padded[i] = tail[(from + i) % tail.length]!;
  }
  const sideOf = (which: CallSide) => (which === layout.side ? padded : line.read(from, count));
  if (layout.channel !== 'stereo') return sideOf(layout.channel === 'mono_a' ? 'a' : 'b');
  return interleaveStereo(sideOf('a'), sideOf('b'), count);
}
