import type { CadenceSettings } from './cadence-options.js';
import type { SpeechTrack } from './speech-track.js';

/** What the timing alone says. `machine`: a recording, voicemail or announcement alike. */
export type CadenceDecision =
  | {
      readonly kind: 'human';
      readonly cause: 'short-greeting';
      /** Less voice than `shortGreetingMs`: surely a person. */
      readonly sure: boolean;
    }
  | { readonly kind: 'machine'; readonly cause: 'long-greeting' | 'max-words' }
  | { readonly kind: 'silence'; readonly cause: 'initial-silence' }
  | { readonly kind: 'unknown'; readonly cause: 'timeout' };

/**
 * Asterisk's `app_amd` rules on the words heard so far (pure): no word within
 * `initialSilenceMs` is silence; more than `greetingMs` of voice, or more than `maxWords`
 * words, is a machine; a greeting followed by `afterGreetingSilenceMs` of silence is a
 * person; nothing by `totalAnalysisMs` is unknown. `undefined`: not yet.
 */
export function cadenceDecision(
  track: SpeechTrack,
  settings: CadenceSettings,
): CadenceDecision | undefined {
  const elapsedMs = track.nowMs - track.startMs;
  if (track.words === 0) {
    if (elapsedMs >= settings.initialSilenceMs)
      return { kind: 'silence', cause: 'initial-silence' };
  } else {
    if (track.voicedMs >= settings.greetingMs) return { kind: 'machine', cause: 'long-greeting' };
    if (track.words > settings.maxWords) return { kind: 'machine', cause: 'max-words' };
    if (track.nowMs - track.lastWordEndMs! >= settings.afterGreetingSilenceMs)
      return {
        kind: 'human',
        cause: 'short-greeting',
        sure: track.voicedMs < settings.shortGreetingMs,
      };
  }
  if (elapsedMs >= settings.totalAnalysisMs) return { kind: 'unknown', cause: 'timeout' };
  return undefined;
}
