// Should MP3 encoding move to worker threads? CPU per 72 ms MP3 frame: encoding it on the
// calling thread, against handing its PCM to a worker thread and taking a frame back
// (postMessage both ways; the worker does nothing else, so this is the hand-off alone).
// The hand-off is paid on top of the encode wherever the encode runs. Run: pnpm bench
import { Worker } from 'node:worker_threads';
import { createMp3Encoder } from '@psrkit/pipeline';
import { createWasmMp3Backend } from '../src/wasm-mp3-backend.js';

const frames = 20_000;
const pcm = Int16Array.from({ length: 576 }, (_, i) => Math.round(6000 * Math.sin(i / 5)));
const cpuUs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / frames;
};

const encoder = createMp3Encoder({ backend: await createWasmMp3Backend({ idle: 1 }) });
let started = process.cpuUsage();
for (let i = 0; i < frames; i++) encoder.encode(pcm);
const inline = cpuUs(started);
encoder.close();

const worker = new Worker(
  "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(new Uint8Array(144)));",
  { eval: true },
);
await new Promise((resolve) => worker.once('online', resolve));
started = process.cpuUsage();
await new Promise<void>((resolve) => {
  let back = 0;
  worker.on('message', () => {
    if (++back === frames) resolve();
  });
  for (let i = 0; i < frames; i++) worker.postMessage(pcm);
});
const handOff = cpuUs(started);
await worker.terminate();

console.log('\nMP3 encoding on a worker thread? CPU µs per 72 ms frame (WASM LAME)\n');
console.log(
  '| encode on the calling thread | hand-off to a thread and back (both threads) | hand-off / encode |',
);
console.log('| --- | --- | --- |');
console.log(`| ${inline.toFixed(1)} | ${handOff.toFixed(1)} | ${(handOff / inline).toFixed(2)} |`);
