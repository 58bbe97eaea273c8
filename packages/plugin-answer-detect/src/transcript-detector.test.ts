import type { SpeechToText, Transcript } from '@psrkit/pipeline';
import { concatPcm } from '@psrkit/protocol';
import { from, lastValueFrom, Observable, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { buzz, energyVad, fixture, silence } from './__fixtures__/espeak.js';
import {
  type AnswerDetectorOptions,
  type AnswerVerdict,
  createAnswerDetector,
  createTranscriptDetector,
  type TranscriptOptions,
} from './index.js';
import { answerFrames, createScriptedStt, type ScriptedAudio } from './testing/index.js';

/** A scripted engine that records each request's span. */
function engine(script: (audio: ScriptedAudio) => string | Error) {
  const requests: ScriptedAudio[] = [];
  const stt = createScriptedStt({ script, onRequest: (audio) => requests.push(audio) });
  return { stt, requests };
}
async function verdictOf(
  samples: Int16Array,
  transcript: TranscriptOptions,
  options: AnswerDetectorOptions = {},
): Promise<AnswerVerdict> {
  const detector = createAnswerDetector({ openVad: energyVad, transcript, ...options });
  const [first] = await lastValueFrom(detector.detect(from(answerFrames(samples))).pipe(toArray()));
  if (first?.type !== 'verdict') throw new Error('no verdict');
  return first.verdict;
}
const BUSY = 'Thuê bao quý khách vừa gọi hiện đang bận, xin quý khách vui lòng gọi lại sau';

describe('the combined detector', () => {
  it('a short greeting is a person by timing alone: no request to the engine', async () => {
    const { stt, requests } = engine(() => 'Alô');
    const verdict = await verdictOf(concatPcm([silence(0.5), buzz(0.6), silence(2)]), { stt });
    expect(verdict).toMatchObject({ kind: 'human', decidedBy: 'cadence', atMs: 1900 });
    expect(requests).toEqual([]);
  });

  it('an announcement is named by its transcript at the first checkpoint', async () => {
    const { stt, requests } = engine(() => BUSY);
    const verdict = await verdictOf(concatPcm([silence(0.3), buzz(5), silence(1)]), {
      stt,
      language: 'vi',
    });
    expect(verdict).toMatchObject({
      kind: 'announcement',
      announcement: 'busy',
      cause: 'phrase',
      decidedBy: 'transcript',
      atMs: 2500,
      evidence: { transcript: BUSY, phrase: { phrase: 'hiện đang bận', language: 'vi' } },
    });
    // The window starts preRollMs (300) before the first word, which starts at 300 ms.
    expect(requests).toEqual([{ startMs: 0, endMs: 2500, sampleRate: 8000, language: 'vi' }]);
  });

  it('a vague announcement waits for more: each window starts again at the first word', async () => {
    const { stt, requests } = engine(({ endMs }) =>
      endMs < 5000
        ? 'Thuê bao quý khách vừa gọi'
        : 'Thuê bao quý khách vừa gọi nằm ngoài vùng phủ sóng',
    );
    const verdict = await verdictOf(concatPcm([silence(0.3), buzz(6), silence(1)]), { stt });
    expect(verdict).toMatchObject({
      kind: 'announcement',
      announcement: 'out-of-coverage',
      atMs: 5000,
    });
    expect(requests.map((r) => [r.startMs, r.endMs])).toEqual([
      [0, 2500],
      [0, 5000],
    ]);
  });
});

describe('the combined detector: unsure greetings, failures, streaming', () => {
  it('a middling greeting then silence waits for its transcript: a voicemail, or a person', async () => {
    const middling = concatPcm([silence(0.3), buzz(1.5), silence(2)]);
    const mike = engine(() => "Hey, it's Mike. Leave me a message.");
    expect(await verdictOf(middling, { stt: mike.stt })).toMatchObject({
      kind: 'voicemail',
      cause: 'phrase',
      atMs: 2500, // the first checkpoint came before the pause
    });
    const person = engine(() => 'Alô, em đang bận, lát gọi lại nhé');
    expect(await verdictOf(middling, { stt: person.stt })).toMatchObject({
      kind: 'human',
      cause: 'few-words',
      decidedBy: 'transcript',
    });
    const nothing = engine(() => '');
    expect(await verdictOf(middling, { stt: nothing.stt })).toMatchObject({
      kind: 'human',
      decidedBy: 'cadence',
    });
  });

  it('many words and no phrase is a voicemail greeting (Jambonz’s rule)', async () => {
    const { stt } = engine(
      () => 'Chào anh chị, em đang họp, không nghe được. Anh chị nhắn tin giúp em nhé, cảm ơn',
    );
    const verdict = await verdictOf(concatPcm([silence(0.3), buzz(4), silence(2)]), { stt });
    expect(verdict).toMatchObject({
      kind: 'voicemail',
      cause: 'many-words',
      decidedBy: 'transcript',
      atMs: 5100,
    });
  });
});

describe('the combined detector: failures, late and live engines', () => {
  it('falls back to the timing when the engine fails, with the error in the evidence', async () => {
    const { stt } = engine(() => new Error('connection reset'));
    const verdict = await verdictOf(concatPcm([silence(0.3), buzz(4), silence(1)]), { stt });
    expect(verdict).toMatchObject({
      kind: 'voicemail',
      cause: 'long-greeting',
      decidedBy: 'cadence',
      atMs: 2700,
      evidence: { error: { code: 'NETWORK_ERROR', message: 'connection reset' } },
    });
  });

  it('waits for an answer that comes after the audio ended (the carrier hung up)', async () => {
    const late: SpeechToText = {
      specificationVersion: 1,
      name: 'late',
      sampleRates: [8000],
      streaming: false,
      transcribe: (audio) =>
        new Observable<Transcript>((subscriber) => {
          const sub = audio.subscribe({
            complete: () =>
              void Promise.resolve().then(() => {
                subscriber.next({ type: 'final', text: BUSY });
                subscriber.complete();
              }),
          });
          return sub;
        }),
    };
    const verdict = await verdictOf(concatPcm([silence(0.3), buzz(2)]), { stt: late });
    expect(verdict).toMatchObject({ kind: 'announcement', announcement: 'busy', atMs: 2300 });
  });

  it('a streaming engine hears the audio live: an interim transcript can decide', async () => {
    const streaming: SpeechToText = {
      specificationVersion: 1,
      name: 'live',
      sampleRates: [8000],
      streaming: true,
      transcribe: (audio) =>
        new Observable<Transcript>((subscriber) =>
          audio.subscribe({
            next: (frame) => {
              if (frame.startSample === 8000 * 1.5)
                subscriber.next({ type: 'interim', text: BUSY });
            },
            complete: () => subscriber.complete(),
          }),
        ),
    };
    const verdict = await verdictOf(concatPcm([silence(0.3), buzz(5), silence(1)]), {
      stt: streaming,
    });
    expect(verdict).toMatchObject({ kind: 'announcement', announcement: 'busy', atMs: 1520 });
  });

  it('names the announcement on eSpeak NG speech with the WebRTC VAD', async () => {
    const { stt } = engine(() => BUSY);
    const detector = createAnswerDetector({ transcript: { stt } });
    const samples = concatPcm([silence(0.5), fixture('busy'), silence(2)]);
    const [first] = await lastValueFrom(
      detector.detect(from(answerFrames(samples))).pipe(toArray()),
    );
    expect(first).toMatchObject({ verdict: { kind: 'announcement', announcement: 'busy' } });
  });
});

describe('the transcript detector alone', () => {
  const detect = (samples: Int16Array, stt: SpeechToText) =>
    lastValueFrom(
      createTranscriptDetector({ openVad: energyVad, transcript: { stt } })
        .detect(from(answerFrames(samples)))
        .pipe(toArray()),
    );

  it('a short greeting is a person by its word count, when the utterance ends', async () => {
    const { stt, requests } = engine(() => 'Dạ alô, ai đấy ạ?');
    const [first] = await detect(concatPcm([silence(0.5), buzz(0.6), silence(2)]), stt);
    expect(first).toMatchObject({
      verdict: { kind: 'human', cause: 'few-words', decidedBy: 'transcript', atMs: 1900 },
    });
    expect(requests).toHaveLength(1);
  });

  it('silence is silence; a failing engine is unknown', async () => {
    const { stt } = engine(() => 'x');
    expect((await detect(silence(3), stt))[0]).toMatchObject({ verdict: { kind: 'silence' } });
    const failing = engine(() => new Error('HTTP 500'));
    expect((await detect(concatPcm([silence(0.3), buzz(3)]), failing.stt))[0]).toMatchObject({
      verdict: {
        kind: 'unknown',
        cause: 'stt-failed',
        evidence: { error: { message: 'HTTP 500' } },
      },
    });
  });

  it('refuses audio its engine cannot take (as a failure of the engine)', async () => {
    const picky: SpeechToText = { ...engine(() => 'x').stt, sampleRates: [16000] };
    expect((await detect(concatPcm([silence(0.3), buzz(3)]), picky))[0]).toMatchObject({
      verdict: {
        kind: 'unknown',
        cause: 'stt-failed',
        evidence: { error: { code: 'INVALID_AUDIO' } },
      },
    });
  });

  it('refuses bad transcript options', () => {
    const { stt } = engine(() => '');
    expect(() =>
      createTranscriptDetector({ transcript: { stt, checkpointsMs: [3000, 2000] } }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(/checkpointsMs\[1\]/),
      }),
    );
    expect(() => createTranscriptDetector({ transcript: { stt, maxHumanWords: 0 } })).toThrow(
      /maxHumanWords/,
    );
  });
});
