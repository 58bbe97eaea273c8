// Time to first audio (`pnpm bench`): the plugin against its local stand-in for ElevenLabs
// with a fixed service delay, beside an in-process engine measured in the same run (the
// reference: what the line alone adds). Both ends read one clock, so the spans are exact.
import { createTestTts } from '@psrkit/pipeline/testing';
import { compareFirstAudio } from '@psrkit/simulator';
import { createElevenLabsTts } from '../src/index.js';
import { startFakeElevenLabs } from '../src/testing/index.js';

const DELAY_MS = 150;
const fake = await startFakeElevenLabs({ delayMs: DELAY_MS });
try {
  const tts = createElevenLabsTts({
    apiKey: fake.apiKey,
    voiceId: fake.voices[0]!,
    baseUrl: fake.url,
  });
  const table = await compareFirstAudio({
    reference: createTestTts({ sampleRate: tts.sampleRate }),
    plugin: {
      name: `elevenlabs (local stand-in, ${DELAY_MS} ms service delay)`,
      tts,
      referenceAt: () => fake.sessions.at(-1)?.firstAudioAt,
    },
    text: 'Xin chào anh Nam, em gọi từ công ty ACME về đơn hàng của anh.',
    runs: Number(process.env.BENCH_RUNS ?? 30),
  });
  console.log(`## Time to first audio (goal: the line ≤ 20 ms p95)\n\n${table}`);
} finally {
  await fake.close();
}
