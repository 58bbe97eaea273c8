import { SttError, type Transcript } from '@psrkit/pipeline';

interface DeepgramWord {
  readonly word: string;
  readonly punctuated_word?: string;
  readonly start: number;
  readonly end: number;
}

/** The fields of Deepgram's live messages this plugin reads. */
export interface DeepgramMessage {
  readonly type?: string;
  readonly is_final?: boolean;
  /** Deepgram's endpointing heard the speaker stop after this final. */
  readonly speech_final?: boolean;
  readonly channel?: {
    readonly alternatives?: readonly {
      readonly transcript?: string;
      readonly confidence?: number;
      readonly words?: readonly DeepgramWord[];
    }[];
  };
  readonly description?: string;
  readonly message?: string;
}

const MAX_MESSAGE = 200;
/** Text from Deepgram (or its socket), cut for an error message. */
export const cut = (text: string): string =>
  text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;

/** What one text message from Deepgram means: a transcript, a failure, or nothing to report. */
export type DeepgramReading =
  | { readonly kind: 'transcript'; readonly transcript: Transcript }
  | { readonly kind: 'error'; readonly error: SttError }
  | { readonly kind: 'none' };

const NONE: DeepgramReading = { kind: 'none' };

/**
 * Reads one text message of Deepgram's live API: `Results` with words become an
 * `interim` or `final` transcript (with confidence and word times; a `speech_final` one
 * marked `endOfSpeech`), `Error` and what is
 * not JSON are `INVALID_RESPONSE`; metadata, speech events and settled silence say nothing.
 */
export function readDeepgramMessage(text: string, language: string): DeepgramReading {
  let message: DeepgramMessage;
  try {
    message = JSON.parse(text) as DeepgramMessage;
  } catch {
    const error = new SttError('INVALID_RESPONSE', `Deepgram sent what is not JSON: ${cut(text)}`);
    return { kind: 'error', error };
  }
  if (message.type === 'Error') {
    const detail = cut(message.description ?? message.message ?? 'error');
    return { kind: 'error', error: new SttError('INVALID_RESPONSE', `Deepgram: ${detail}`) };
  }
  if (message.type !== 'Results') return NONE; // Metadata, SpeechStarted, UtteranceEnd
  const best = message.channel?.alternatives?.[0];
  const said = best?.transcript?.trim() ?? '';
  if (said === '') return NONE; // Deepgram settles silence too: nothing was said
  const transcript: Transcript = {
    type: message.is_final ? 'final' : 'interim',
    text: said,
    language,
    ...(message.is_final && message.speech_final && { endOfSpeech: true }),
    ...(best?.confidence !== undefined && { confidence: best.confidence }),
    ...(best?.words?.length && {
      timings: best.words.map((w) => ({
        text: w.punctuated_word ?? w.word,
        startMs: Math.round(w.start * 1000),
        endMs: Math.round(w.end * 1000),
      })),
    }),
  };
  return { kind: 'transcript', transcript };
}
