// One process of the cross-process test: a cache on the shared folder, in front of a held
// test engine. Lines in on stdin: `go` (ask for the text), `release` (let a synthesis end).
// JSON lines out: ready, synthesising (its engine started), waiting (on another's lock), done.
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createTestTts } from '@psrkit/pipeline/testing';
import { createTtsCache } from '../tts-cache.js';
import { heldTts } from './held-tts.js';
import { audioOf, collect, wordsOf } from './speech.js';

const [dir, text] = process.argv.slice(2) as [string, string];
const engine = createTestTts();
const held = heldTts(engine);
const cache = createTtsCache(held, { dir, maxBytes: 10e6 });
const tell = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

async function go(): Promise<void> {
  const told = new Set<string>();
  const once = (event: string, now: boolean) => {
    if (!now || told.has(event)) return;
    told.add(event);
    tell({ event });
  };
  const watch = setInterval(() => {
    once('synthesising', held.speaking > 0);
    once('waiting', cache.stats().lockWaits > 0);
  }, 5);
  const pieces = await collect(cache.speak(text));
  clearInterval(watch);
  const audio = audioOf(pieces);
  tell({
    event: 'done',
    audio: createHash('sha256').update(audio).digest('hex'),
    samples: audio.length,
    words: wordsOf(pieces),
    spoken: engine.spoken.length,
    stats: cache.stats(),
  });
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'go') void go();
  if (line === 'release') held.release();
});
lines.on('close', () => process.exit(0));
tell({ event: 'ready' });
