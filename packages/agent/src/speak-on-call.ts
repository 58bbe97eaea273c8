import { randomUUID } from 'node:crypto';
import { speechAudio, type TextToSpeechV2, type WordTiming, wordsHeard } from '@psrkit/pipeline';
import type { Call } from '@psrkit/transport';
import { filter, type Observable, take, tap } from 'rxjs';

/** What the agent said on the line, and what the caller heard of it. */
export interface SpokenReply {
  /** Everything it set out to say (the text given, spaces collapsed). */
  readonly said: string;
  /** What the caller heard: all of it when `completed`, else the words heard to their end. */
  readonly heard: string;
  /** The whole speech played. */
  readonly completed: boolean;
  /** How much of its audio the caller heard, ms. */
  readonly heardMs: number;
  /** `measured`: the engine timed the words; `estimated`: by their share of the text. */
  readonly timings: 'measured' | 'estimated';
}

/** Options of {@link speakOnCall}. */
export interface SpeakOnCallOptions {
  /** The engine's voice (default its own). */
  readonly voice: string | undefined;
  /** Called when the speech's first audio starts playing. */
  readonly onFirstAudio?: () => void;
}

/**
 * Speaks `text` (whole, or pieces as a model streams them) on the call as one stream, keeping the
 * engine's word timings; resolves once it has played or was cut off, with what the caller
 * heard: the words whose audio had played to their end by the playout line's `heardMs`.
 */
export async function speakOnCall(
  call: Call,
  tts: TextToSpeechV2,
  text: string | Observable<string>,
  { voice, onFirstAudio }: SpeakOnCallOptions,
): Promise<SpokenReply> {
  // A fixed text goes to the engine whole (a prompt cache can replay it); a stream as it comes.
  const given: string[] = typeof text === 'string' ? [text] : [];
  const words: WordTiming[] = [];
  let measured = false;
  const speech$ = tts
    .speak(
      typeof text === 'string' ? text : text.pipe(tap((piece) => given.push(piece))),
      voice === undefined ? {} : { voice },
    )
    .pipe(
      tap((piece) => {
        if (piece.type !== 'words') return;
        words.push(...piece.words);
        measured ||= !piece.estimated;
      }),
      speechAudio(),
    );
  // Its start may come at once (text already written): watched before the stream is made.
  const id = randomUUID();
  const started = onFirstAudio
    ? call.events$
        .pipe(
          filter((e) => e.type === 'playback-start' && e.id === id),
          take(1),
        )
        .subscribe(() => onFirstAudio())
    : undefined;
  const handle = call.stream(speech$, { sampleRate: tts.sampleRate, id });
  const outcome = await handle.done;
  started?.unsubscribe();
  const said = given.join('').replace(/\s+/g, ' ').trim();
  const timings = measured ? 'measured' : 'estimated';
  if (outcome.type === 'playback-end')
    return { said, heard: said, completed: true, heardMs: outcome.playedMs, timings };
  const heard = wordsHeard(words, outcome.heardMs);
  return { said, heard, completed: false, heardMs: outcome.heardMs, timings };
}
