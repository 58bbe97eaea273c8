import {
  concat,
  concatMap,
  defer,
  filter,
  isObservable,
  map,
  type Observable,
  type OperatorFunction,
  of,
} from 'rxjs';
import { sentences } from './sentences.js';
import type { AnyTextToSpeech, SpeechPiece, TextToSpeechV2 } from './text-to-speech.js';
import { estimateWordTimings } from './word-timing.js';

/** Text given whole or in pieces, as pieces. */
export function textPieces(text: string | Observable<string>): Observable<string> {
  return isObservable(text) ? text : of(text);
}

/**
 * Speech for engines that take one sentence at a time and give no word timings: the text
 * (whole, or a model's deltas) cut at sentence ends, each sentence synthesised in turn by
 * `synthesize` (PCM at `sampleRate`), its audio passed on as it comes, then its words timed
 * by their share of its audio (`estimated`). Cold; unsubscribing stops the sentence being
 * synthesised.
 */
export function speakBySentence(
  text: string | Observable<string>,
  synthesize: (sentence: string) => Observable<Int16Array>,
  sampleRate: number,
): Observable<SpeechPiece> {
  return defer(() => {
    let atMs = 0;
    return textPieces(text).pipe(
      sentences(),
      concatMap((sentence) => {
        let samples = 0;
        const audio = synthesize(sentence).pipe(
          map((piece): SpeechPiece => {
            samples += piece.length;
            return { type: 'audio', samples: piece };
          }),
        );
        const words = defer(() => {
          const durationMs = (samples * 1000) / sampleRate;
          const timed = estimateWordTimings(sentence, atMs, durationMs);
          atMs += durationMs;
          return of<SpeechPiece>({ type: 'words', words: timed, estimated: true });
        });
        return concat(audio, words);
      }),
    );
  });
}

/**
 * Any text-to-speech plugin as version 2: a version-2 plugin as it is; a version-1 plugin
 * speaks sentence by sentence ({@link speakBySentence}), with estimated word timings.
 */
export function asTextToSpeechV2(tts: AnyTextToSpeech): TextToSpeechV2 {
  if (tts.specificationVersion === 2) return tts;
  return {
    specificationVersion: 2,
    name: tts.name,
    sampleRate: tts.sampleRate,
    voices: tts.voices,
    capabilities: { streamingInput: false, wordTimings: false, sampleRates: [tts.sampleRate] },
    settingsKey: `v1:${tts.name}:${tts.sampleRate}`,
    speak: (text, options = {}) =>
      speakBySentence(
        text,
        (sentence) =>
          tts.synthesize(sentence, options.voice === undefined ? {} : { voice: options.voice }),
        tts.sampleRate,
      ),
  };
}

/** The audio of speech, for `call.stream` (word timings dropped). */
export function speechAudio(): OperatorFunction<SpeechPiece, Int16Array> {
  return (source) =>
    source.pipe(
      filter((piece) => piece.type === 'audio'),
      map((piece) => piece.samples),
    );
}
