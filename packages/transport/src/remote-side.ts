import type { CallSide } from '@psrkit/pipeline';
import type { PsrChannel } from '@psrkit/protocol';

/** The dynamic parameter that says, per call, which side of a `stereo` call is the remote party. */
export const REMOTE_SIDE_PARAM = 'remote_side';

/**
 * The side of the call that carries the person the bot talks to (the remote party).
 *
 * PSR's `mono_a` is the calling party's side and `mono_b` the called party's: a mono
 * call carries one side, and that side is the one to listen to. A `stereo` call carries
 * both, and which one is the customer depends on who placed the call: the caller (side
 * A) on an inbound call, the callee (side B) on an outbound one placed with
 * create-stream. So for `stereo` the per-call choice wins, then the server's, then A.
 *
 * @param channel - the call's layout, once known
 * @param stereoSide - the side configured for stereo calls (per call, else per server)
 */
export function remoteSideOf(channel: PsrChannel | undefined, stereoSide: CallSide): CallSide {
  if (channel === 'mono_a') return 'a';
  if (channel === 'mono_b') return 'b';
  return stereoSide;
}

/** Reads `remote_side` (`a` or `b`, any case); `undefined` when absent, `null` when invalid. */
export function parseRemoteSide(value: string | undefined): CallSide | undefined | null {
  if (value === undefined) return undefined;
  const side = value.trim().toLowerCase();
  return side === 'a' || side === 'b' ? side : null;
}
