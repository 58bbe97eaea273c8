// Time to first audio (`pnpm bench`): the plugin against its local stand-in for FPT.AI with
// the file appearing after a fixed delay, beside an in-process engine measured in the same
// run (the reference: what the line alone adds). The plugin's span here is the MP3's
// download and decoding; both ends read one clock, so the spans are exact.
import { createTestTts } from '@psrkit/pipeline/testing';
import { compareFirstAudio } from '@psrkit/simulator';
import { createFptTts } from '../src/index.js';
import { startFptTtsServer } from '../src/testing/index.js';

const DELAY_MS = 150;
const server = await startFptTtsServer({ fileDelayMs: DELAY_MS });
try {
  const tts = createFptTts({ apiKey: 'bench', endpoint: server.url });
  const table = await compareFirstAudio({
    reference: createTestTts({ sampleRate: tts.sampleRate }),
    plugin: {
      name: `fpt (local stand-in, the file after ${DELAY_MS} ms, MP3 decoded)`,
      tts,
      referenceAt: () => server.firstAudioAt,
    },
    text: 'Xin chào anh Nam, em gọi từ công ty ACME về đơn hàng của anh.', // one sentence, one file
    runs: Number(process.env.BENCH_RUNS ?? 30),
  });
  console.log(`## Time to first audio (goal: the line ≤ 20 ms p95)\n\n${table}`);
} finally {
  await server.close();
}
