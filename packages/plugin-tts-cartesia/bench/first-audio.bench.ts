// Time to first audio (`pnpm bench`): the plugin against its local stand-in for Cartesia
// with a fixed service delay (its socket opened by a first speech, as on a live server),
// beside an in-process engine measured in the same run (the reference: what the line alone
// adds). Both ends read one clock, so the spans are exact.
import { createTestTts } from '@psrkit/pipeline/testing';
import { compareFirstAudio } from '@psrkit/simulator';
import { lastValueFrom } from 'rxjs';
import { createCartesiaTts } from '../src/index.js';
import { startFakeCartesia } from '../src/testing/index.js';

const DELAY_MS = 150;
const fake = await startFakeCartesia({ delayMs: DELAY_MS, voices: ['bench-voice'] });
const tts = createCartesiaTts({ apiKey: fake.apiKey, voiceId: 'bench-voice', baseUrl: fake.url });
try {
  await lastValueFrom(tts.speak('Warm.'), { defaultValue: undefined });
  const table = await compareFirstAudio({
    reference: createTestTts({ sampleRate: tts.sampleRate }),
    plugin: {
      name: `cartesia (local stand-in, ${DELAY_MS} ms service delay)`,
      tts,
      referenceAt: () => fake.contexts.at(-1)?.firstAudioAt,
    },
    text: 'Xin chào anh Nam, em gọi từ công ty ACME về đơn hàng của anh.',
    runs: Number(process.env.BENCH_RUNS ?? 30),
  });
  console.log(`## Time to first audio (goal: the line ≤ 20 ms p95)\n\n${table}`);
} finally {
  tts.close();
  await fake.close();
}
