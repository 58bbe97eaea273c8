// Time to first audio (`pnpm bench`): the plugin against its local OpenAI-compatible speech
// server with a fixed service delay, beside an in-process engine measured in the same run
// (the reference: what the line alone adds). Both ends read one clock, so the spans are exact.
import { createTestTts } from '@psrkit/pipeline/testing';
import { compareFirstAudio } from '@psrkit/simulator';
import { createOpenAiTts } from '../src/index.js';
import { startOpenAiSpeechServer } from '../src/testing/index.js';

const DELAY_MS = 150;
const server = await startOpenAiSpeechServer({ delayMs: DELAY_MS });
try {
  const tts = createOpenAiTts({ baseURL: server.url, apiKey: 'bench' });
  const table = await compareFirstAudio({
    reference: createTestTts({ sampleRate: tts.sampleRate }),
    plugin: {
      name: `openai (local server, ${DELAY_MS} ms service delay, 24 kHz PCM)`,
      tts,
      referenceAt: () => server.firstAudioAt,
    },
    text: 'Xin chào anh Nam, em gọi từ công ty ACME về đơn hàng của anh.', // one sentence, one request
    runs: Number(process.env.BENCH_RUNS ?? 30),
  });
  console.log(`## Time to first audio (goal: the line ≤ 20 ms p95)\n\n${table}`);
} finally {
  await server.close();
}
