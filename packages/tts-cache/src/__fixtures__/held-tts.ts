// An engine whose speeches give their audio, then stay open until the test releases them:
// a test holds a synthesis "in progress" as long as it likes, whatever the machine's speed.
import type { TextToSpeechV2 } from '@psrkit/pipeline';
import { BehaviorSubject, concat, filter, ignoreElements, Observable, take } from 'rxjs';

export interface HeldTts extends TextToSpeechV2 {
  /** Speeches subscribed and not yet ended. */
  readonly speaking: number;
  /** Speeches unsubscribed before they completed (engine work cancelled). */
  readonly cancelled: number;
  /** Lets every speech, held now or later, complete. */
  release(): void;
}

export function heldTts(engine: TextToSpeechV2): HeldTts {
  const open = new BehaviorSubject(false);
  const released = open.pipe(filter(Boolean), take(1), ignoreElements());
  let speaking = 0;
  let cancelled = 0;
  return {
    specificationVersion: 2,
    name: engine.name,
    sampleRate: engine.sampleRate,
    voices: engine.voices,
    capabilities: engine.capabilities,
    settingsKey: engine.settingsKey,
    get speaking() {
      return speaking;
    },
    get cancelled() {
      return cancelled;
    },
    release: () => open.next(true),
    speak: (text, options) =>
      new Observable((subscriber) => {
        speaking++;
        let done = false;
        const end = () => {
          done = true;
          speaking--;
        };
        const subscription = concat(engine.speak(text, options), released).subscribe({
          next: (piece) => subscriber.next(piece),
          error: (error: unknown) => {
            end();
            subscriber.error(error);
          },
          complete: () => {
            end();
            subscriber.complete();
          },
        });
        return () => {
          if (!done) {
            end();
            cancelled++;
          }
          subscription.unsubscribe();
        };
      }),
  };
}
