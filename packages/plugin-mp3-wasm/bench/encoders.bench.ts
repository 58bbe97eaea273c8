// The MP3 encoders side by side on the same 60 s of 8 kHz speech-like PCM, 32 kbps CBR:
// lamejs (the built-in backend), LAME in WASM (this plugin) and native `lame` when it is
// installed (the reference), as CPU time and as a ratio to native. The measurement is
// scripts/encoder-ceiling.mjs, which `pnpm bench:load` also runs to put its capacity beside
// the encoders' own ceiling. Run: pnpm bench
import { measureEncoders } from '../../../scripts/encoder-ceiling.mjs';

const figures = await measureEncoders();
const results = [
  ['native lame (reference)', figures.native],
  ['wasm LAME (@psrkit/plugin-mp3-wasm)', figures.wasm],
  ['lamejs (built-in)', figures.lamejs],
] as const;
console.log(
  `MP3 encode, ${figures.seconds} s of 8 kHz mono speech-like PCM at 32 kbps, fed a frame (576 samples) at a time as the playout does (best of 5)\n`,
);
console.log('| encoder | ms | × real time | ratio to native speed |');
console.log('| --- | --- | --- | --- |');
for (const [name, figure] of results) {
  if (!figure) {
    console.log(`| ${name} | not installed | | |`);
    continue;
  }
  const native = figures.native ? (figures.native.ms / figure.ms).toFixed(2) : '—';
  console.log(`| ${name} | ${figure.ms.toFixed(1)} | ${figure.realTime.toFixed(0)}× | ${native} |`);
}
