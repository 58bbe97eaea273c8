// What the server's CPU goes to, from a V8 CPU profile of a `pnpm bench:load` step
// (`LOAD_PROFILE=1`): the hottest functions by self time, and the self time summed by part
// of the system, with the load-test bot's own work (speech generation, energy per frame)
// on a line of its own so that server and bot are not confused.
import { readFileSync } from 'node:fs';

const ENCODER_WASM = 'MP3 encoder (LAME in WASM)';
const RESAMPLER = 'resampler (24 → 8 kHz, its SIMD kernel included)';

/**
 * Parts of the system, first match wins, by the function a sample was in — unless the
 * nearest frame of our own code on its stack is the load-test bot's: then it is the bot's.
 */
const PARTS = [
  [ENCODER_WASM, (f) => /plugin-mp3-wasm|wasm-media-encoders/.test(f.url)],
  ['MP3 encoder (lamejs)', (f) => /lamejs/.test(f.url)],
  [RESAMPLER, (f) => /pipeline\/dist\/(resampler|fir-kernel)/.test(f.url)],
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
  [
    'socket writes and reads (native)',
    (f) =>
      /^(writev|writeBuffer|writeUtf8String|onStreamRead|writeLatin1String)$/.test(f.functionName),
  ],
  ['WebSocket framing (ws)', (f) => /node_modules\/.*\/ws\//.test(f.url)],
  ['inbound events: JSON, fields, base64 (protocol)', (f) => /protocol\/dist\//.test(f.url)],
  [
    'actions out: JSON, base64, MP3 frames (protocol, pipeline codec)',
    (f) => /pipeline\/dist\/(mp3|codec|chunk|psr-wav)/.test(f.url),
  ],
  ['playout line, pacer, timers (pipeline)', (f) => /pipeline\/dist\//.test(f.url)],
  ['calls (transport)', (f) => /transport\/dist\//.test(f.url)],
  ['RxJS', (f) => /node_modules\/.*\/rxjs\//.test(f.url)],
  ['metrics, logs (server)', (f) => /prom-client|pino|apps\/server\/dist\//.test(f.url)],
  ['Node internals', (f) => f.url.startsWith('node:') || f.url === ''],
];
const BOT = 'the load-test bot (its speech, energy per frame)';
const isBot = (f) => /apps\/server\/dist\/load-test-bot\.js/.test(f.url);
const isOwn = (f) => /\/(packages|apps)\/[^/]+\/dist\//.test(f.url) || f.url.startsWith('wasm://');

const shortName = ({ functionName, url, lineNumber }) => {
  const where = url
    ? `${url.replace(/^.*node_modules\/(\.pnpm\/)?/, '').replace(/^file:\/\/.*?\/(packages|apps)\//, '$1/')}:${lineNumber + 1}`
    : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};

/** Hot functions (self time) and the self time per part of the system, in % of busy samples. */
export function analyseProfile(file, top = 12) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of prof.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  // The bot's work: samples whose nearest frame of our own code is the bot's (its speech
  // and energy loops, and library code it calls), not our code the bot calls into.
  const nearestOwn = new Map();
  const ownFrameOf = (id) => {
    if (nearestOwn.has(id)) return nearestOwn.get(id);
    const node = byId.get(id);
    const up = parent.get(id);
    const result = isOwn(node.callFrame)
      ? node.callFrame
      : up !== undefined
        ? ownFrameOf(up)
        : undefined;
    nearestOwn.set(id, result);
    return result;
  };
  // WebAssembly is the MP3 encoder's, or the resampler's kernel: told apart by who called it.
  const wasmPart = (id) => {
    let up = parent.get(id);
    while (up !== undefined && byId.get(up).callFrame.url.startsWith('wasm://'))
      up = parent.get(up);
    const caller = up === undefined ? '' : byId.get(up).callFrame.url;
    return /fir-kernel/.test(caller) ? RESAMPLER : ENCODER_WASM;
  };
  const self = new Map();
  const parts = new Map();
  let total = 0;
  for (const node of prof.nodes) {
    const frame = node.callFrame;
    if (['(idle)', '(program)', '(root)'].includes(frame.functionName) || !node.hitCount) continue;
    const key = shortName(frame);
    self.set(key, (self.get(key) ?? 0) + node.hitCount);
    const own = ownFrameOf(node.id);
    const part =
      own && isBot(own)
        ? BOT
        : frame.url.startsWith('wasm://')
          ? wasmPart(node.id)
          : (PARTS.find(([, match]) => match(frame))?.[0] ?? 'other (libraries)');
    parts.set(part, (parts.get(part) ?? 0) + node.hitCount);
    total += node.hitCount;
  }
  const pct = (hits) => Math.round((hits / total) * 1000) / 10;
  const sorted = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, hits]) => ({ name, pct: pct(hits) }));
  return { hotSpots: sorted(self).slice(0, top), parts: sorted(parts) };
}
