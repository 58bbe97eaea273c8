// The MP3 encoders' own ceiling: how many times real time each encodes 60 s of 8 kHz mono
// speech-like PCM at 32 kbps, fed a frame (576 samples) at a time as the playout does (best
// of 5): lamejs (built in), LAME in WASM (@psrkit/plugin-mp3-wasm) and native `lame` when it
// is installed (the reference). One encode per call per second of call, so "× real time" is
// also the most calls one core could encode and nothing else: `pnpm bench:load` divides its
// capacity by it, measured in the same run on the same core.
//
// As a script: prints the figures as JSON (`node scripts/encoder-ceiling.mjs`).
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const SECONDS = 60;

/** Speech-like: a few harmonics with a syllable-rate envelope and some noise. */
export function speechLikePcm(seconds = SECONDS) {
  let seed = 7;
  const noise = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  return Int16Array.from({ length: 8000 * seconds }, (_, i) => {
    const t = i / 8000;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    const f0 = 140 + 30 * Math.sin(2 * Math.PI * 0.5 * t);
    const voice =
      Math.sin(2 * Math.PI * f0 * t) +
      0.5 * Math.sin(4 * Math.PI * f0 * t) +
      0.25 * Math.sin(6 * Math.PI * f0 * t);
    return Math.round(6000 * envelope * voice + 300 * noise());
  });
}

function cpuMs(createMp3Encoder, backend, pcm) {
  const best = [];
  for (let run = 0; run < 5; run++) {
    const encoder = createMp3Encoder({ backend });
    const start = performance.now();
    for (let at = 0; at < pcm.length; at += 576) encoder.encode(pcm.subarray(at, at + 576));
    encoder.flush();
    best.push(performance.now() - start);
    encoder.close();
  }
  return Math.min(...best);
}

function nativeMs(pcm) {
  const args = ['-r', '-s', '8', '--bitwidth', '16', '--signed', '--little-endian'];
  args.push('-m', 'm', '-b', '32', '--cbr', '--quiet', '-', '/dev/null');
  if (spawnSync('lame', ['--version']).error) return undefined;
  const run = (bytes) => {
    const start = performance.now();
    spawnSync('lame', args, { input: bytes });
    return performance.now() - start;
  };
  const startup = Math.min(...[0, 1, 2].map(() => run(Buffer.alloc(0))));
  const input = Buffer.from(pcm.buffer);
  return Math.max(1, Math.min(...[0, 1, 2, 3, 4].map(() => run(input))) - startup);
}

/**
 * CPU ms to encode `seconds` of speech-like PCM, and × real time, per encoder
 * (`native` is undefined when `lame` is not installed).
 */
export async function measureEncoders(seconds = SECONDS) {
  const root = new URL('../', import.meta.url);
  const { createMp3Encoder, lameJsBackend } = await import(
    new URL('packages/pipeline/dist/index.js', root).href
  );
  const { createWasmMp3Backend } = await import(
    new URL('packages/plugin-mp3-wasm/dist/index.js', root).href
  );
  const pcm = speechLikePcm(seconds);
  const wasm = await createWasmMp3Backend({ idle: 1 });
  const figure = (ms) => ms && { ms, realTime: (seconds * 1000) / ms };
  return {
    seconds,
    native: figure(nativeMs(pcm)),
    wasm: figure(cpuMs(createMp3Encoder, wasm, pcm)),
    lamejs: figure(cpuMs(createMp3Encoder, lameJsBackend, pcm)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  console.log(JSON.stringify(await measureEncoders()));
