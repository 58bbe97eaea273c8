// The MP3 encoders side by side on the same 60 s of 8 kHz speech-like PCM, 32 kbps CBR:
// lamejs (the built-in backend), LAME in WASM (this plugin) and native `lame` when it is
// installed (the reference), as CPU time and as a ratio to native. Run: pnpm bench
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createMp3Encoder, lameJsBackend, type Mp3EncoderBackendFactory } from '@psrkit/pipeline';
import { createWasmMp3Backend } from '../src/wasm-mp3-backend.js';

const seconds = 60;
// Speech-like: a few harmonics with a syllable-rate envelope and some noise.
let seed = 7;
const noise = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32 - 0.5;
};
const pcm = Int16Array.from({ length: 8000 * seconds }, (_, i) => {
  const t = i / 8000;
  const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
  const f0 = 140 + 30 * Math.sin(2 * Math.PI * 0.5 * t);
  const voice =
    Math.sin(2 * Math.PI * f0 * t) +
    0.5 * Math.sin(4 * Math.PI * f0 * t) +
    0.25 * Math.sin(6 * Math.PI * f0 * t);
  return Math.round(6000 * envelope * voice + 300 * noise());
});

function cpuMs(backend: Mp3EncoderBackendFactory): number {
  const best: number[] = [];
  for (let run = 0; run < 5; run++) {
    const encoder = createMp3Encoder({ backend });
    const start = performance.now();
    // 576-sample pieces: what the playout scheduler feeds (one frame at a time).
    for (let at = 0; at < pcm.length; at += 576) encoder.encode(pcm.subarray(at, at + 576));
    encoder.flush();
    best.push(performance.now() - start);
    encoder.close();
  }
  return Math.min(...best);
}

function nativeMs(): number | undefined {
  const args = [
    '-r',
    '-s',
    '8',
    '--bitwidth',
    '16',
    '--signed',
    '--little-endian',
    '-m',
    'm',
    '-b',
    '32',
    '--cbr',
    '--quiet',
    '-',
    '/dev/null',
  ];
  const probe = spawnSync('lame', ['--version']);
  if (probe.error) return undefined;
  const input = Buffer.from(pcm.buffer);
  const run = (bytes: Buffer) => {
    const start = performance.now();
    spawnSync('lame', args, { input: bytes });
    return performance.now() - start;
  };
  const startup = Math.min(...[0, 1, 2].map(() => run(Buffer.alloc(0))));
  return Math.max(1, Math.min(...[0, 1, 2, 3, 4].map(() => run(input))) - startup);
}

const wasm = await createWasmMp3Backend({ idle: 1 });
const results: [string, number | undefined][] = [
  ['native lame (reference)', nativeMs()],
  ['wasm LAME (@psrkit/plugin-mp3-wasm)', cpuMs(wasm)],
  ['lamejs (built-in)', cpuMs(lameJsBackend)],
];
const native = results[0]![1];
console.log(
  `MP3 encode, ${seconds} s of 8 kHz mono speech-like PCM at 32 kbps, fed a frame (576 samples) at a time as the playout does (best of 5)\n`,
);
console.log('| encoder | ms | × real time | ratio to native speed |');
console.log('| --- | --- | --- | --- |');
for (const [name, ms] of results) {
  if (ms === undefined) {
    console.log(`| ${name} | not installed | | |`);
    continue;
  }
  const speed = (seconds * 1000) / ms;
  console.log(
    `| ${name} | ${ms.toFixed(1)} | ${speed.toFixed(0)}× | ${native ? (native / ms).toFixed(2) : '—'} |`,
  );
}
