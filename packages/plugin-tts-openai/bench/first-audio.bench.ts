// Time to first audio (`pnpm bench`): the plugin against its local OpenAI-compatible speech
// server with a fixed service delay, beside an in-process engine measured in the same run
// (the reference: what the line alone adds); then a model's streamed reply (a delta every
// 20 ms), from its first sentence's end to the first chunk. Both ends read one clock.
import { performance } from 'node:perf_hooks';
import { createTestTts } from '@psrkit/pipeline/testing';
import { compareFirstAudio, formatFirstAudioTable, measureFirstAudio } from '@psrkit/simulator';
import { concatMap, delay, from, of, tap } from 'rxjs';
import { createOpenAiTts } from '../src/index.js';
import { startOpenAiSpeechServer } from '../src/testing/index.js';

const DELAY_MS = 150;
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const REPLY = 'Dạ, gói cước này giá một trăm nghìn một tháng. Anh có muốn đăng ký không ạ?';

/** A model's reply, a word every 20 ms; `sentenceEndAt` when its first sentence was complete. */
function streamedReply() {
  let sentenceEndAt: number | undefined;
  const words = REPLY.split(/(?<= )/);
  return {
    text: () => {
      sentenceEndAt = undefined;
      return from(words).pipe(
        concatMap((word) => of(word).pipe(delay(20))),
        tap((word) => {
          if (/[.?!]\s*$/.test(word)) sentenceEndAt ??= performance.now();
        }),
      );
    },
    sentenceEndAt: () => sentenceEndAt,
  };
}

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
    runs: RUNS,
  });
  console.log(`## Time to first audio (goal: the line ≤ 20 ms p95)\n\n${table}\n`);
  const reply = streamedReply();
  const streamed = await measureFirstAudio({
    tts,
    text: reply.text,
    runs: RUNS,
    referenceAt: reply.sentenceEndAt,
  });
  console.log(
    '## A streamed model reply: from its first sentence’s end (its "plugin" span: the sentence cut, the request and the service delay)\n',
  );
  console.log(
    formatFirstAudioTable([{ name: `openai, ${DELAY_MS} ms service delay`, result: streamed }]),
  );
} finally {
  await server.close();
}
