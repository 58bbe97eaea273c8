import type { PhraseReading } from './match-phrases.js';
import type { AnnouncementKind, PhraseMatch } from './verdict.js';

/** What a transcript says about who answered. */
export type TranscriptDecision =
  | {
      readonly kind: 'voicemail' | 'announcement';
      readonly cause: 'phrase';
      readonly announcement?: AnnouncementKind;
      readonly phrase: PhraseMatch;
    }
  | { readonly kind: 'human'; readonly cause: 'few-words' }
  | { readonly kind: 'voicemail'; readonly cause: 'many-words' };

/** Where the transcribed audio stops. */
export interface TranscriptScope {
  /** The speaker paused (`afterGreetingSilenceMs`) or the audio ended: no more words come in this utterance. */
  readonly utteranceEnded: boolean;
  /** No later transcript will come (the last checkpoint, or the audio ended). */
  readonly last: boolean;
}

/**
 * Jambonz's rule on a transcript (pure): a machine phrase decides at once — unless it names
 * no announcement, or was heard only approximately ("the person you are calling" is near
 * "the number you are calling"), and the greeting goes on: then the utterance's end or the
 * last transcript decides, which may hold a better phrase ("…leave a message"); with
 * no phrase, an utterance that ended with 1 to `maxHumanWords − 1` words is a person, and
 * `maxHumanWords` or more is a voicemail greeting — on the last transcript, or once the
 * utterance ended. `undefined`: wait for more audio.
 */
export function transcriptDecision(
  reading: PhraseReading,
  scope: TranscriptScope,
  maxHumanWords: number,
): TranscriptDecision | undefined {
  const { decision } = reading;
  if (decision) {
    const vague = decision.kind === 'announcement' && decision.announcement === 'other';
    if ((vague || !decision.exact) && !scope.last && !scope.utteranceEnded) return undefined;
    const { exact: _, ...rest } = decision;
    return { cause: 'phrase', ...rest };
  }
  if (reading.words >= maxHumanWords && (scope.utteranceEnded || scope.last))
    return { kind: 'voicemail', cause: 'many-words' };
  if (reading.words > 0 && reading.words < maxHumanWords && scope.utteranceEnded)
    return { kind: 'human', cause: 'few-words' };
  return undefined;
}
