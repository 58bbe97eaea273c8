import type { SpeechToText, TextToSpeech, Transcript } from '@psrkit/pipeline';
import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { defer, from, lastValueFrom, Observable, toArray } from 'rxjs';

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

/**
 * A streaming recogniser with endpointing, as Deepgram's live API behaves: on one stream
 * of the caller's audio, after speech then `endpointMs` of silence, the next scripted text
 * as a final marked `endOfSpeech`. `streams` counts the streams opened.
 */
export function scriptedLiveStt(texts: string[], endpointMs = 300) {
  let streams = 0;
  const stt: SpeechToText = {
    specificationVersion: 1,
    name: 'scripted-live',
    sampleRates: [8000],
    streaming: true,
    transcribe: (audio) =>
      new Observable<Transcript>((subscriber) => {
        streams++;
        let spoke = false;
        let silentMs = 0;
        return audio.subscribe({
          next: (frame) => {
            const loud = frame.samples.some((x) => Math.abs(x) > 1000);
            spoke ||= loud;
            silentMs = loud ? 0 : silentMs + (frame.samples.length * 1000) / frame.sampleRate;
            if (!spoke || silentMs < endpointMs) return;
            spoke = false;
            subscriber.next({ type: 'final', text: texts.shift() ?? '', endOfSpeech: true });
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
      }),
  };
  return { stt, streams: () => streams };
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
