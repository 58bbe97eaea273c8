// pnpm bench: the pipeline's hot stages, side by side with reference tools on the same input.
//   resampler: ours vs the speex resampler (WASM, quality 5, non-SIMD and SIMD) and sox `rate -v`
//   MP3:       lamejs (our built-in backend) vs native `lame` when installed
//   full path: 24 kHz PCM → 8 kHz → MP3 → 2-frame chunks, CPU µs per second of audio
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMp3Encoder, createResampler } from '@psrkit/pipeline';
import { joinMp3Frames } from '../src/mp3-chunks.js';
import { concatSamples, levelDb, speechLike, tone } from '../src/test-signals.js';

const SECONDS = 60;
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
/** Audio seconds per CPU second of `work` (best of `runs`). */
function speed(audioSeconds: number, work: () => void, runs = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return audioSeconds / best;
}
/** Wall-clock speed of a child process (its own start included). */
function toolSpeed(audioSeconds: number, command: string, args: string[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    execFileSync(command, args, { stdio: 'ignore' });
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return audioSeconds / best;
}

interface SpeexModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _speex_resampler_init(
    channels: number,
    inRate: number,
    outRate: number,
    quality: number,
    errorPointer: number,
  ): number;
  _speex_resampler_process_int(
    state: number,
    channel: number,
    input: number,
    inLength: number,
    output: number,
    outLength: number,
  ): number;
  _speex_resampler_destroy(state: number): void;
  HEAP16: Int16Array;
  HEAPU32: Uint32Array;
}

async function speexResample(
  build: 'nonsimd' | 'simd',
  inputRate: number,
  input: Int16Array,
): Promise<() => Int16Array> {
  const factory = (
    await import(
      build === 'simd'
        ? '@echogarden/speex-resampler-wasm/simd'
        : '@echogarden/speex-resampler-wasm'
    )
  ).default;
  const m = (await factory()) as SpeexModule;
  const block = 4800;
  const inPtr = m._malloc(block * 2);
  const outPtr = m._malloc(block * 2);
  const lenPtr = m._malloc(8);
  const errPtr = m._malloc(4);
  return () => {
    const state = m._speex_resampler_init(1, inputRate, 8000, 5, errPtr);
    const out = new Int16Array(Math.ceil((input.length * 8000) / inputRate) + block);
    let written = 0;
    for (let at = 0; at < input.length; ) {
      const n = Math.min(block, input.length - at);
      m.HEAP16.set(input.subarray(at, at + n), inPtr >> 1);
      m.HEAPU32[lenPtr >> 2] = n;
      m.HEAPU32[(lenPtr >> 2) + 1] = block;
      m._speex_resampler_process_int(state, 0, inPtr, lenPtr, outPtr, lenPtr + 4);
      const used = m.HEAPU32[lenPtr >> 2]!;
      const produced = m.HEAPU32[(lenPtr >> 2) + 1]!;
      out.set(m.HEAP16.subarray(outPtr >> 1, (outPtr >> 1) + produced), written);
      written += produced;
      at += used;
    }
    m._speex_resampler_destroy(state);
    return out.subarray(0, written);
  };
}

const ours = (inputRate: number, input: Int16Array) => (): Int16Array => {
  const resampler = createResampler({ inputRate, outputRate: 8000 });
  const piece = inputRate / 50; // 20 ms pieces, as TTS streams them
  const out: Int16Array[] = [];
  for (let at = 0; at < input.length; at += piece)
    out.push(resampler.push(input.subarray(at, at + piece)));
  out.push(resampler.flush());
  return concatSamples(out);
};

const work = mkdtempSync(join(tmpdir(), 'psrkit-bench-'));
try {
  console.log(
    `\n@psrkit/pipeline benchmarks (${SECONDS} s of audio per run; CPU time, best of 3)\n`,
  );
  const rows: Record<string, string | number>[] = [];
  for (const inputRate of [24000, 44100]) {
    const input = speechLike(inputRate, SECONDS);
    const speex = await speexResample('nonsimd', inputRate, input);
    const speexSimd = await speexResample('simd', inputRate, input);
    const oursSpeed = speed(SECONDS, ours(inputRate, input));
    const speexSpeed = speed(SECONDS, speex);
    const alias = Math.max(
      ...[5000, 6000].map((f) => levelDb(ours(inputRate, tone(inputRate, f, 1))())),
    );
    const row: Record<string, string | number> = {
      conversion: `${inputRate} → 8000`,
      'psrkit ×RT': Math.round(oursSpeed),
      'speex q5 WASM ×RT': Math.round(speexSpeed),
      'psrkit / speex': `${(oursSpeed / speexSpeed).toFixed(2)}× (goal ≥ 1.5×)`,
      'speex SIMD ×RT': Math.round(speed(SECONDS, speexSimd)),
      'psrkit alias 5/6 kHz': `${alias.toFixed(0)} dB`,
      'psrkit delay': `${createResampler({ inputRate, outputRate: 8000 }).delaySamples.toFixed(1)} samples`,
    };
    if (has('sox')) {
      const raw = join(work, `in-${inputRate}.raw`);
      writeFileSync(raw, input);
      row['sox rate -v ×RT (wall)'] = Math.round(
        toolSpeed(SECONDS, 'sox', [
          '-t',
          'raw',
          '-r',
          `${inputRate}`,
          '-e',
          'signed',
          '-b',
          '16',
          '-c',
          '1',
          raw,
          '-t',
          'raw',
          join(work, 'out.raw'),
          'rate',
          '-v',
          '8000',
        ]),
      );
    } else row['sox rate -v ×RT (wall)'] = 'not installed';
    rows.push(row);
  }
  console.log('Resampler (speech-like input, fed in 20 ms pieces)');
  console.table(rows);

  const speech8k = speechLike(8000, SECONDS);
  const lamejs = speed(SECONDS, () => {
    const encoder = createMp3Encoder({ bitrateKbps: 32 });
    for (let at = 0; at < speech8k.length; at += 576)
      encoder.encode(speech8k.subarray(at, at + 576));
    encoder.flush();
  });
  const mp3Rows: Record<string, string | number>[] = [
    { encoder: 'lamejs (built-in)', '×RT': Math.round(lamejs) },
  ];
  if (has('lame')) {
    const raw = join(work, 'speech8k.raw');
    writeFileSync(raw, speech8k);
    const native = toolSpeed(SECONDS, 'lame', [
      '--quiet',
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
      raw,
      join(work, 'out.mp3'),
    ]);
    mp3Rows.push({
      encoder: 'native lame (wall, process start included)',
      '×RT': Math.round(native),
    });
    mp3Rows[0]!['vs native'] = `${(lamejs / native).toFixed(2)}×`;
  } else mp3Rows.push({ encoder: 'native lame', '×RT': 'not installed' });
  console.log('\nMP3 encoding, 8 kHz mono 32 kbps CBR');
  console.table(mp3Rows);

  const speech24k = speechLike(24000, SECONDS);
  const fullSpeed = speed(SECONDS, () => {
    const resampler = createResampler({ inputRate: 24000, outputRate: 8000 });
    const encoder = createMp3Encoder();
    let frames = [];
    for (let at = 0; at < speech24k.length; at += 480) {
      frames.push(...encoder.encode(resampler.push(speech24k.subarray(at, at + 480))));
      if (frames.length >= 2) {
        joinMp3Frames(frames.splice(0, 2));
      }
    }
    frames.push(...encoder.encode(resampler.flush()), ...encoder.flush());
    frames = [];
  });
  const microsPerSecond = 1e6 / fullSpeed;
  console.log('\nFull outbound path: 24 kHz PCM → 8 kHz → MP3 → 2-frame chunks');
  console.table([
    {
      'CPU µs per second of audio': Math.round(microsPerSecond),
      '×RT': Math.round(fullSpeed),
      'talking calls per core (encoding only)': Math.floor(1e6 / microsPerSecond),
    },
  ]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
