import { createStream } from '@psrkit/protocol';
import type { Dialer } from './campaign-engine.js';

/** Options of {@link createStreamDialer}: where PSR's API is, and how numbers are written. */
export interface CreateStreamDialerOptions {
  /** PSR's base URL (`/psr/v1/call/stream` is appended). */
  readonly baseUrl: string;
  /** Bearer token of the create-stream API; never stored with the campaign. */
  readonly token: string;
  /**
   * How a Vietnamese number is sent as `destination`: `national` (default: `0912345678`, as
   * a PBX in Vietnam dials) or `e164` (`+84912345678`). Other countries' numbers go as stored.
   */
  readonly numberFormat?: 'national' | 'e164';
  /**
   * The `url` PSR dials back, over the one stored with the campaign (a campaign resumed by
   * a process that listens elsewhere).
   */
  readonly botUrl?: string;
  /** Give up on one request after this many ms (default 10 000). */
  readonly timeoutMs?: number;
  /** Replaces the global `fetch`. */
  readonly fetch?: typeof fetch;
}

/** Writes a stored (E.164) number the way the PBX dials it. */
export function destinationOf(phone: string, format: 'national' | 'e164' = 'national'): string {
  return format === 'national' && phone.startsWith('+84') ? `0${phone.slice(3)}` : phone;
}

/** A {@link Dialer} that places each call through PSR's create-stream API. */
export function createStreamDialer(options: CreateStreamDialerOptions): Dialer {
  return async ({ campaign, contact, parameter }) => {
    const { call } = campaign;
    const reply = await createStream({
      baseUrl: options.baseUrl,
      token: options.token,
      url: options.botUrl ?? call.botUrl,
      destination: destinationOf(contact.phone, options.numberFormat),
      app: call.app ?? 'bot',
      ...(call.channel !== undefined && { channel: call.channel }),
      ...(call.extension !== undefined && { extension: call.extension }),
      ...(call.isSilence !== undefined && { isSilence: call.isSilence }),
      ...(call.audioFile !== undefined && { audioFile: call.audioFile }),
      parameter,
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.fetch && { fetch: options.fetch }),
    });
    return {
      callId: reply.callId,
      recordingUrl: reply.recordingUrl,
      fullRecordingUrl: reply.fullRecordingUrl,
    };
  };
}
