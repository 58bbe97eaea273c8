import type { SpeechToText, TextToSpeech } from '@psrkit/pipeline';
import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { defer, from, lastValueFrom, toArray } from 'rxjs';

/** A recogniser that hears the next scripted text for each turn (any audio). */
export function scriptedStt(texts: string[]): SpeechToText {
  return {
    specificationVersion: 1,
    name: 'scripted',
    sampleRates: [8000],
    streaming: false,
    transcribe: (audio) =>
      defer(async () => {
        await lastValueFrom(audio.pipe(toArray()), { defaultValue: [] });
        return { type: 'final' as const, text: texts.shift() ?? '' };
      }),
  };
}

/** A TTS that says a tone of 300 ms a word, in 100 ms pieces, and remembers each text. */
export function toneTts(): { tts: TextToSpeech; texts: string[] } {
  const texts: string[] = [];
  const tts: TextToSpeech = {
    specificationVersion: 1,
    name: 'tone',
    sampleRate: 8000,
    voices: ['en', 'vi'],
    synthesize: (text) => {
      texts.push(text);
      const samples = 2400 * text.split(/\s+/).length;
      const tone = Int16Array.from({ length: samples }, (_, i) => Math.round(6000 * Math.sin(i / 3)));
      return from(Array.from({ length: samples / 800 }, (_, i) => tone.subarray(i * 800, (i + 1) * 800)));
    },
  };
  return { tts, texts };
}

export interface ScriptedReply {
  readonly text: string;
  readonly toolCall?: { readonly name: string; readonly input: unknown };
}

/** The AI SDK's mock model, answering each request with the next scripted reply (streamed a word at a time). */
export function scriptedModel(
  replies: ScriptedReply[],
  /** Between streamed parts, ms (`null`: none — a service that answers at once). */
  { chunkDelayMs = 5 }: { readonly chunkDelayMs?: number | null } = {},
) {
  const prompts: LanguageModelV3CallOptions['prompt'][] = [];
  const model = new MockLanguageModelV3({
    doStream: async (options) => {
      prompts.push(options.prompt);
      const reply = replies.shift() ?? { text: 'I have nothing more to say.' };
      const words = reply.text.split(/(?<= )/);
      const chunks: LanguageModelV3StreamPart[] = [
        { type: 'stream-start', warnings: [] },
        { type: 'text-start', id: 't' },
        ...words.map((delta) => ({ type: 'text-delta' as const, id: 't', delta })),
        { type: 'text-end', id: 't' },
        ...(reply.toolCall
          ? [
              {
                type: 'tool-call' as const,
                toolCallId: `call-${prompts.length}`,
                toolName: reply.toolCall.name,
                input: JSON.stringify(reply.toolCall.input),
              },
            ]
          : []),
        {
          type: 'finish',
          finishReason: { unified: reply.toolCall ? 'tool-calls' : 'stop', raw: undefined },
          usage: {
            inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
            outputTokens: { total: 10, text: 10, reasoning: 0 },
          },
        },
      ];
      return { stream: simulateReadableStream({ chunks, chunkDelayInMs: chunkDelayMs }) };
    },
  });
  return { model, prompts };
}
