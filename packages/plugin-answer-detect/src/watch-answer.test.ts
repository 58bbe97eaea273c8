import type { AudioFrame } from '@psrkit/pipeline';
import { concatPcm } from '@psrkit/protocol';
import { concat, firstValueFrom, from, type Observable, Subject, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { buzz, energyVad, silence, tone } from './__fixtures__/espeak.js';
import { createCadenceDetector, detectAnswer, watchAnswer } from './index.js';
import { answerFrames } from './testing/index.js';

const detector = createCadenceDetector({ openVad: energyVad });

describe('detectAnswer', () => {
  it('emits one verdict and completes, leaving the audio', async () => {
    const audio = new Subject<AudioFrame>();
    const seen: unknown[] = [];
    let completed = false;
    audio
      .pipe(detectAnswer(detector))
      .subscribe({ next: (v) => seen.push(v.kind), complete: () => (completed = true) });
    for (const frame of answerFrames(concatPcm([silence(0.5), buzz(0.6), silence(2)])))
      audio.next(frame);
    expect(seen).toEqual(['human']);
    expect(completed).toBe(true);
    expect(audio.observed).toBe(false);
  });

  it('takes options instead of a detector', async () => {
    const verdict = await firstValueFrom(
      from(answerFrames(silence(3))).pipe(detectAnswer({ openVad: energyVad })),
    );
    expect(verdict).toMatchObject({ kind: 'silence' });
  });
});

describe('watchAnswer', () => {
  it('hands a bot the verdict, then the end of a voicemail greeting', async () => {
    const answer = watchAnswer(
      from(
        answerFrames(concatPcm([silence(0.3), buzz(3), silence(0.4), tone(1000, 0.4), silence(1)])),
      ),
      detector,
    );
    expect(await answer.verdict).toMatchObject({ kind: 'voicemail', cause: 'long-greeting' });
    expect(await answer.greetingEnd).toMatchObject({ cause: 'beep', atMs: 4100 });
  });

  it('greetingEnd is undefined after a person, and when stopped', async () => {
    const person = watchAnswer(
      from(answerFrames(concatPcm([silence(0.5), buzz(0.6), silence(2)]))),
      detector,
    );
    expect(await person.verdict).toMatchObject({ kind: 'human' });
    expect(await person.greetingEnd).toBeUndefined();
    const audio = new Subject<AudioFrame>();
    const stopped = watchAnswer(audio, detector);
    stopped.stop();
    expect(audio.observed).toBe(false);
    expect(await stopped.verdict).toMatchObject({ kind: 'unknown', cause: 'stream-end' });
    expect(await stopped.greetingEnd).toBeUndefined();
  });

  it('never rejects: a failing audio is an unknown verdict with the error, and events complete', async () => {
    const failing: Observable<AudioFrame> = concat(
      from(answerFrames(silence(0.2))),
      throwError(() => Object.assign(new Error('socket closed'), { code: 'CONNECTION_LOST' })),
    );
    const answer = watchAnswer(failing, detector);
    expect(await answer.verdict).toMatchObject({
      kind: 'unknown',
      cause: 'error',
      evidence: { error: { code: 'CONNECTION_LOST', message: 'socket closed' } },
    });
    expect(await answer.greetingEnd).toBeUndefined();
    const late: unknown[] = [];
    await new Promise<void>((resolve) =>
      answer.events.subscribe({ next: (e) => late.push(e), complete: resolve }),
    );
    expect(late).toEqual([]);
  });
});
