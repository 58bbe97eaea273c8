import { performance } from 'node:perf_hooks';
import type { AudioFrame, SpeechToText, Transcript } from '@psrkit/pipeline';
import { SttError } from '@psrkit/pipeline';
import { NEVER, type Observable, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LiveTranscript } from './live-transcript.js';

/** A recogniser whose transcripts the test sends; `audio` is what it was given. */
function puppetStt() {
  const said = new Subject<Transcript>();
  const given: unknown[] = [];
  const stt: SpeechToText = {
    specificationVersion: 1,
    name: 'puppet',
    sampleRates: [8000],
    streaming: true,
    transcribe: (audio, options) => {
      given.push(audio, options);
      return said;
    },
  };
  return { stt, said, given };
}

const never = new Promise<void>(() => {});

describe('LiveTranscript', () => {
  it('keeps the finals since the last turn and wakes a pause when the engine hears the end of speech', async () => {
    const { stt, said, given } = puppetStt();
    const audio: Observable<AudioFrame> = NEVER;
    const live = new LiveTranscript(stt, audio, 'vi', () => {});
    expect(given).toEqual([audio, { language: 'vi' }]);
    said.next({ type: 'interim', text: 'xin' });
    said.next({ type: 'final', text: 'xin chào.' });
    expect(live.text()).toBe('xin chào.');
    const since = performance.now();
    const waiting = live.endOfSpeech(since, never);
    said.next({ type: 'final', text: ' anh là ai? ', endOfSpeech: true });
    await expect(waiting).resolves.toBe(true);
    expect(live.text()).toBe('xin chào. anh là ai?');
    // An end of speech before `since` belongs to an earlier pause.
    await expect(live.endOfSpeech(performance.now() + 1, Promise.resolve())).resolves.toBe(false);
    live.turnTaken();
    expect(live.text()).toBe('');
    live.stop();
    expect(live.hearing).toBe(false);
    expect(said.observed).toBe(false);
  });

  it('gives up when the silence rule passes or the caller goes on', async () => {
    const { stt } = puppetStt();
    const live = new LiveTranscript(stt, NEVER, 'en', () => {});
    await expect(live.endOfSpeech(performance.now(), Promise.resolve())).resolves.toBe(false);
    await expect(
      live.endOfSpeech(performance.now(), Promise.reject(new Error('the caller went on'))),
    ).resolves.toBe(false);
    live.stop();
  });

  it('reports a failing engine once and stops hearing; a waiting pause is released', async () => {
    const { stt, said } = puppetStt();
    const errors: unknown[] = [];
    const live = new LiveTranscript(stt, NEVER, 'en', (error) => errors.push(error));
    said.next({ type: 'final', text: 'hello there.' });
    const waiting = live.endOfSpeech(performance.now(), never);
    const failure = new SttError('NETWORK_ERROR', 'the socket broke');
    said.error(failure);
    await expect(waiting).resolves.toBe(false);
    expect(errors).toEqual([failure]);
    expect(live.hearing).toBe(false);
    expect(live.text()).toBe('hello there.');
    live.stop();
    expect(errors).toHaveLength(1);
  });
});
