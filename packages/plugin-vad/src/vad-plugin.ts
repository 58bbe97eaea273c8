import type { AudioFrame, AudioStagePlugin, CallSide } from '@psrkit/pipeline';
import { Observable, Subject, Subscription } from 'rxjs';
import { type DetectTurnsOptions, detectTurns, type TurnEvent } from './detect-turns.js';
import { loadWebRtcVad } from './webrtc-vad.js';

export interface VadStageOptions extends Omit<DetectTurnsOptions, 'openVad'> {
  /** Each side's turn events. */
  readonly onTurn: (event: TurnEvent & { readonly channel: CallSide }) => void;
}

/**
 * The VAD as a pipeline stage plugin: a tap that passes frames through unchanged and
 * reports each side's turns to `onTurn`.
 */
export async function createVadPlugin(): Promise<AudioStagePlugin<VadStageOptions>> {
  const openVad = await loadWebRtcVad();
  return {
    specificationVersion: 1,
    name: 'webrtc-vad',
    input: { sampleRates: [8000, 16000, 32000, 48000] },
    output: 'same-as-input',
    createStage: (options) => (source) =>
      new Observable<AudioFrame>((subscriber) => {
        const sides = new Map<CallSide, Subject<AudioFrame>>();
        const detectors = new Subscription();
        const side = (channel: CallSide) => {
          let subject = sides.get(channel);
          if (!subject) {
            subject = new Subject<AudioFrame>();
            sides.set(channel, subject);
            detectors.add(
              subject.pipe(detectTurns({ ...options, openVad })).subscribe({
                next: (event) => options.onTurn({ ...event, channel }),
                error: (error: unknown) => subscriber.error(error),
              }),
            );
          }
          return subject;
        };
        const subscription = source.subscribe({
          next(frame) {
            side(frame.channel).next(frame);
            subscriber.next(frame);
          },
          error: (error: unknown) => subscriber.error(error),
          complete() {
            for (const subject of sides.values()) subject.complete();
            subscriber.complete();
          },
        });
        return () => {
          subscription.unsubscribe();
          detectors.unsubscribe(); // closes the VADs; no turn events after this
        };
      }),
  };
}
