#!/usr/bin/env node
// The wire floor: the least any PSR bot server in Node must do per call, and nothing more —
// the reference that bench:load measures beside psrkit in the same run. It accepts PSR's
// WebSocket, parses every inbound event and decodes each `media` payload (the caller's
// 20 ms frames), and streams the caller an MP3 `chunk` action (a 72 ms frame, built with
// JSON and base64 as it is sent) paced psrkit's default lead ahead on one shared timer. No
// VAD, no resampling, no encoding (the frames are encoded once at start), no playout line.
//
//   node scripts/wire-floor-server.mjs <port>
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { DEFAULT_LEAD_MS, lameJsBackend, speechLike } from '../packages/pipeline/dist/index.js';

const { WebSocketServer } = createRequire(
  new URL('../packages/transport/package.json', import.meta.url),
)('ws');
const FRAME_MS = 72;
const FRAME_BYTES = 288; // MPEG-2.5 Layer III, 32 kbps at 8 kHz: 72 * 32000 / 8000

// 10 s of speech-like audio, encoded once: the frames every call streams, in turn.
const encoder = lameJsBackend({ sampleRate: 8000, bitrateKbps: 32 });
const mp3 = Buffer.concat([encoder.encode(speechLike(8000, 10)), encoder.flush()]);
encoder.close();
const frames = [];
for (let at = 0; at + FRAME_BYTES <= mp3.length; at += FRAME_BYTES)
  frames.push(mp3.subarray(at, at + FRAME_BYTES));

const calls = new Set();
const http = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
wss.on('connection', (socket) => {
  const call = { socket, startedAt: 0, sentMs: 0, next: 0 };
  socket.on('message', (data) => {
    const event = JSON.parse(data.toString());
    if (event.event === 'media') Buffer.from(event.media.payload, 'base64');
    else if (event.event === 'connected' && !call.startedAt) {
      call.startedAt = performance.now();
      calls.add(call);
    }
  });
  socket.on('close', () => calls.delete(call));
});
// One timer for every call: each gets the chunks that fit in its lead.
setInterval(() => {
  const now = performance.now();
  for (const call of calls)
    while (call.sentMs - (now - call.startedAt) < DEFAULT_LEAD_MS - FRAME_MS) {
      const frame = frames[call.next++ % frames.length];
      call.socket.send(
        `{"event":"chunk","media":{"payload":"${frame.toString('base64')}","format":"mp3"}}`,
      );
      call.sentMs += FRAME_MS;
    }
}, 10);
http.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () =>
  console.log(`listening ${http.address().port}`),
);
