import type { AudioFrame, AudioStagePlugin, CallSide } from '@psrkit/pipeline';
import { Observable, Subject, Subscription } from 'rxjs';
import { type DetectTurnsOptions, detectTurns, type TurnEvent } from './detect-turns.js';
import type { OpenVad } from './vad.js';
import { loadWebRtcVad } from './webrtc-vad.js';

/** Options of a VAD stage: `detectTurns`'s, and where each side's turn events go. */
export interface VadStageOptions extends Omit<DetectTurnsOptions, 'openVad'> {
  /** Each side's turn events. */
  readonly onTurn: (event: TurnEvent & { readonly channel: CallSide }) => void;
}

/** Options of {@link createVadPlugin}. */
export interface VadPluginOptions {
  /** The engine (default: the WebRTC VAD, `loadWebRtcVad()`). */
  readonly openVad?: OpenVad;
  /** The plugin's name in logs (default `webrtc-vad`, or `vad` with another engine). */
  readonly name?: string;
  /** The rates the engine takes (default the WebRTC VAD's: 8, 16, 32 and 48 kHz). */
  readonly sampleRates?: readonly number[];
}

/**
 * The VAD as a pipeline stage plugin: a tap that passes frames through unchanged and
 * reports each side's turns to `onTurn`; it completes once the VAD has decided the last frame.
 */
export async function createVadPlugin(
  plugin: VadPluginOptions = {},
): Promise<AudioStagePlugin<VadStageOptions>> {
  const openVad = plugin.openVad ?? (await loadWebRtcVad());
  return {
    specificationVersion: 1,
    name: plugin.name ?? (plugin.openVad ? 'vad' : 'webrtc-vad'),
    input: { sampleRates: plugin.sampleRates ?? [8000, 16000, 32000, 48000] },
    output: 'same-as-input',
    createStage: (options) => (source) =>
      new Observable<AudioFrame>((subscriber) => {
        const sides = new Map<CallSide, Subject<AudioFrame>>();
        const detectors = new Subscription();
        let deciding = 0; // sides whose detector has not completed yet
        let ended = false;
        const completeWhenDecided = () => {
          if (ended && deciding === 0) subscriber.complete();
        };
        const side = (channel: CallSide) => {
          let subject = sides.get(channel);
          if (!subject) {
            subject = new Subject<AudioFrame>();
            sides.set(channel, subject);
            deciding++;
            detectors.add(
              subject.pipe(detectTurns({ ...options, openVad })).subscribe({
                next: (event) => options.onTurn({ ...event, channel }),
                error: (error: unknown) => subscriber.error(error),
                complete() {
                  deciding--;
                  completeWhenDecided();
                },
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
            // An asynchronous VAD may still be deciding the last frames: complete after it.
            ended = true;
            for (const subject of sides.values()) subject.complete();
            completeWhenDecided();
          },
        });
        return () => {
          subscription.unsubscribe();
          detectors.unsubscribe(); // closes the VADs; no turn events after this
        };
      }),
  };
}
