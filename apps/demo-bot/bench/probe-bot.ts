// The floor of barge-in: a bot with instant detection and no VAD.
import type { Bot } from '@psrkit/transport';
import { filter, first, firstValueFrom, of } from 'rxjs';
import { RATE } from './caller-recording.js';

/** −45 dBFS as a 16-bit RMS level. */
const LOUD = 32768 * 10 ** (-45 / 20);

const rms = (samples: Int16Array): number =>
  Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / Math.max(1, samples.length));

/**
 * Streams `speech` (MP3 or PCM chunks, as the server's playout says) once the call is up, and
 * pauses it (`call.pauseSpeech()`) on the caller's first 20 ms piece above −45 dBFS: what is
 * left of a barge-in without a VAD is the audio in flight, the inbound framing, the network.
 */
export function createProbeBot(speech: Int16Array): Bot {
  return async (call) => {
    const connected =
      call.channel !== undefined ||
      (await firstValueFrom(call.events$.pipe(filter((e) => e.type === 'call-connected')), {
        defaultValue: undefined,
      })) !== undefined;
    if (!connected) return;
    call.stream(of(speech), { sampleRate: RATE });
    const onset = call
      .audio()
      .pipe(first((frame) => rms(frame.samples) >= LOUD))
      .subscribe({ next: () => call.pauseSpeech(), error: () => {} });
    await call.closed;
    onset.unsubscribe();
  };
}
