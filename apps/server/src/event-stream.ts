import type { IncomingMessage, ServerResponse } from 'node:http';

/** The most a viewer may fall behind on an event stream before it is cut, bytes. */
const MAX_STREAM_BACKLOG = 1024 * 1024;
/** A comment this often keeps proxies from closing a quiet stream. */
const PING_MS = 15_000;

/** Sends one server-sent event: its name and its data (as JSON). */
export type SendEvent = (event: string, data: unknown) => void;

/**
 * Answers `req` with a server-sent event stream and returns how to send on it. A viewer
 * that falls more than 1 MiB behind is cut off (it reconnects and gets a new snapshot);
 * `onClose` runs once when the viewer goes, to stop whatever feeds the stream.
 */
export function openEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  onClose: () => void,
): SendEvent {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
  req.once('close', () => {
    clearInterval(ping);
    onClose();
  });
  return (event, data) => {
    if (res.destroyed) return;
    if (res.writableLength > MAX_STREAM_BACKLOG) return void res.destroy(); // a stalled viewer
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}
