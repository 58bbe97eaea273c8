import { createServer } from 'node:net';
import { type CallReport, placeCall } from '@psrkit/simulator';

/** A free loopback port (for a process that must listen on a port known beforehand). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A call the test holds open until it hangs up (as the caller). */
export interface HeldCall {
  readonly callId: string;
  /** The emulator's report, once the call has ended (rejects when it was refused). */
  readonly report: Promise<CallReport>;
  hangUp(): void;
}

/** Places a call that stays up (silence from the caller) until `hangUp()`. */
export function holdCall(options: { url: string; ca?: Buffer; callId: string }): HeldCall {
  const abort = new AbortController();
  const report = placeCall({
    url: options.url,
    callId: options.callId,
    ...(options.ca && { ca: options.ca }),
    caller: [],
    tailMs: 3_600_000,
    decode: 'none',
    signal: abort.signal,
  });
  report.catch(() => undefined); // awaited by the test when it matters
  return { callId: options.callId, report, hangUp: () => abort.abort() };
}

/** How one call of a stream went: `caller hung up` when as planned, else what cut it. */
export interface StreamedCall {
  readonly callId: string;
  readonly outcome: string;
}

/** A steady stream of calls: {@link startCallStream}. */
export interface CallStream {
  /** Every call placed so far, in order. */
  readonly callIds: readonly string[];
  /** Stops placing calls; resolves with every call once all have ended. Idempotent. */
  stop(): Promise<StreamedCall[]>;
}

/**
 * Places a call every `everyMs`, each held for `holdMs` of caller silence and then hung up
 * by the caller: a call that ends otherwise (refused, closed by the server) was cut.
 */
export function startCallStream(options: {
  url: string;
  ca?: Buffer;
  everyMs: number;
  holdMs: number;
}): CallStream {
  const callIds: string[] = [];
  const calls: Promise<StreamedCall>[] = [];
  const place = () => {
    const callId = `stream-${callIds.length + 1}`;
    callIds.push(callId);
    const outcome = placeCall({
      url: options.url,
      callId,
      ...(options.ca && { ca: options.ca }),
      caller: [],
      tailMs: options.holdMs,
      decode: 'none',
    }).then(
      ({ end }) =>
        end.by === 'caller' && end.code === 1000
          ? 'caller hung up'
          : `ended by the ${end.by}: ${end.code} ${end.reason}`,
      (error: Error) => `refused: ${error.message}`,
    );
    calls.push(outcome.then((o) => ({ callId, outcome: o })));
  };
  const timer = setInterval(place, options.everyMs);
  place();
  let stopped: Promise<StreamedCall[]> | undefined;
  return {
    callIds,
    stop() {
      clearInterval(timer);
      stopped ??= Promise.all(calls);
      return stopped;
    },
  };
}
