// An LLM agent on a phone call, with no account anywhere: the AI SDK's stand-in model
// writes the answers (one per caller turn, a transfer at the end), a stand-in recogniser
// "hears" scripted sentences, and eSpeak speaks. Everything else is real: turn-taking,
// barge-in, sentence-by-sentence speech, the tools, the emulated PSR call.
//
//   npx tsx examples/agent-offline.ts
//
// With real services, swap three lines (see @psrkit/agent's README):
//   model: createOpenAI({ apiKey }).chat('gpt-4o-mini'),
//   stt: createOpenAiStt({ baseUrl: 'https://api.openai.com', apiKey }),
//   (and keep eSpeak, or any TextToSpeech)
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAgent } from '@psrkit/agent';
import type { SpeechToText } from '@psrkit/pipeline';
import { createEspeakTts } from '@psrkit/plugin-tts-espeak';
import { loadWebRtcVad } from '@psrkit/plugin-vad';
import { type CallReport, formatReport, loadCallerAudio, placeCall } from '@psrkit/simulator';
import { createPsrServer, silentLogger } from '@psrkit/transport';
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { defer, lastValueFrom, toArray } from 'rxjs';

/** What the stand-in model says, a reply per request; the second ends with a transfer. */
const REPLIES = [
  { text: 'Of course. Your order was sent yesterday and arrives on Friday.' },
  { text: 'Sure, I am putting you through to a colleague now.', transfer: '101' },
];

function standInModel() {
  let turn = 0;
  return new MockLanguageModelV3({
    doStream: async () => {
      const reply = REPLIES[Math.min(turn++, REPLIES.length - 1)]!;
      return {
        stream: simulateReadableStream({
          chunkDelayInMs: 20,
          chunks: [
            { type: 'text-start', id: 't' },
            ...reply.text
              .split(/(?<= )/)
              .map((delta) => ({ type: 'text-delta' as const, id: 't', delta })),
            { type: 'text-end', id: 't' },
            ...(reply.transfer
              ? [
                  {
                    type: 'tool-call' as const,
                    toolCallId: `t${turn}`,
                    toolName: 'transfer',
                    input: JSON.stringify({ extension: reply.transfer }),
                  },
                ]
              : []),
            {
              type: 'finish',
              finishReason: { unified: reply.transfer ? 'tool-calls' : 'stop', raw: undefined },
              usage: {
                inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
                outputTokens: { total: 1, text: 1, reasoning: 0 },
              },
            },
          ],
        }),
      };
    },
  });
}

/**
 * "Hears" the caller's turns as these sentences, in order: the next one once it is given a
 * whole utterance's worth of audio (`minSeconds`), nothing for less — as a recogniser asked
 * about the first words of a turn the caller has not finished would not hear the sentence.
 */
function standInStt(heard: string[], minSeconds = 2.5): SpeechToText {
  return {
    specificationVersion: 1,
    name: 'stand-in',
    sampleRates: [8000],
    streaming: false,
    transcribe: (audio) =>
      defer(async () => {
        const frames = await lastValueFrom(audio.pipe(toArray()), { defaultValue: [] });
        const seconds = frames.reduce((n, f) => n + f.samples.length / f.sampleRate, 0);
        const text = seconds >= minSeconds ? (heard.shift() ?? '') : '';
        return { type: 'final' as const, text };
      }),
  };
}

/** Runs the agent on one emulated call: the caller asks two things. */
export async function runOfflineAgent(log: (line: string) => void = () => {}): Promise<CallReport> {
  const bot = createAgent({
    model: standInModel(),
    stt: standInStt(['Where is my order?', 'Can I talk to a person?']),
    tts: await createEspeakTts({ voice: 'en-us' }),
    openVad: await loadWebRtcVad(),
    instructions: 'You answer questions about orders for Acme, briefly.',
    greeting: 'Hello, this is Acme. How can I help?',
    onEvent: (event) => log(`agent: ${JSON.stringify(event)}`),
  });
  const server = createPsrServer({ port: 0, bot, logger: silentLogger });
  await server.listen();
  try {
    const sample = (name: string) =>
      loadCallerAudio(fileURLToPath(import.meta.resolve(`@psrkit/simulator/samples/${name}.wav`)));
    return await placeCall({
      url: server.url,
      caller: [
        // After the greeting, however long a busy machine takes to synthesise it.
        { atMs: 5000, samples: await sample('order') },
        { atMs: 14_500, samples: await sample('thanks') },
      ],
      tailMs: 8000,
    });
  } finally {
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  console.log(formatReport(await runOfflineAgent(console.log)));
