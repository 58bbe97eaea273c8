// pnpm bench: our decode/encode of the hot-path frames, side by side with bare JSON handling
// of the very same text. Goal: within 1.5x of bare JSON. Decoding must also turn the base64
// payload into bytes, which bare JSON.parse does not, so a second row compares with
// JSON.parse + Buffer.from(base64): our validation overhead on top of the unavoidable work.

import { chunkAction, decodeEvent, encodeAction, encodeEvent, mediaEvent } from '@psrkit/protocol';
import { Bench } from 'tinybench';

// 20 ms of stereo 8 kHz PCM16: 160 frames x 2 channels.
const samples = Int16Array.from({ length: 320 }, (_, i) => Math.round(8000 * Math.sin(i / 7)));
const mediaFrame = encodeEvent(
  mediaEvent({
    callId: 'aaaaaaaa-1111-2222-3333-eeeeeeee',
    channel: 'stereo',
    samples,
    timestamp: 1703825536716,
  }),
);
// A 144 ms MP3 chunk: 2 frames of 32 kbps MPEG-2.5 at 8 kHz = 2 x 288 bytes.
const mp3 = Uint8Array.from({ length: 576 }, (_, i) => (i * 31) & 0xff);
const chunkObject = {
  event: 'chunk',
  media: { payload: Buffer.from(mp3).toString('base64'), format: 'mp3' },
};

let sink = 0;
const bench = new Bench({ time: 1500, warmup: true });
bench
  .add('decodeEvent(20 ms stereo media)', () => {
    sink += decodeEvent(mediaFrame).type.length;
  })
  .add('JSON.parse(same frame)', () => {
    sink += (JSON.parse(mediaFrame) as { event: string }).event.length;
  })
  .add('JSON.parse + Buffer.from(base64) (the floor)', () => {
    const parsed = JSON.parse(mediaFrame) as { media: { payload: string } };
    sink += Buffer.from(parsed.media.payload, 'base64').length;
  })
  .add('encodeAction(144 ms mp3 chunk)', () => {
    sink += encodeAction(chunkAction(mp3)).length;
  })
  .add('JSON.stringify(same action, payload pre-encoded)', () => {
    sink += JSON.stringify(chunkObject).length;
  });
await bench.run();

const rate = (name: string): number => bench.getTask(name)?.result?.throughput.mean ?? Number.NaN;
const rows = [
  ['decode 20 ms stereo media', 'decodeEvent(20 ms stereo media)', 'JSON.parse(same frame)'],
  [
    '  same, vs the unavoidable work',
    'decodeEvent(20 ms stereo media)',
    'JSON.parse + Buffer.from(base64) (the floor)',
  ],
  [
    'encode 144 ms mp3 chunk',
    'encodeAction(144 ms mp3 chunk)',
    'JSON.stringify(same action, payload pre-encoded)',
  ],
] as const;
console.log(`\n@psrkit/protocol (frame ${mediaFrame.length} chars; sink ${sink > 0})`);
console.table(
  rows.map(([what, ours, bare]) => ({
    operation: what,
    'psrkit ops/s': Math.round(rate(ours)),
    'bare JSON ops/s': Math.round(rate(bare)),
    'time vs bare JSON': `${(rate(bare) / rate(ours)).toFixed(2)}x`,
    'goal <= 1.5x': rate(bare) / rate(ours) <= 1.5 ? 'met' : 'MISSED',
  })),
);
