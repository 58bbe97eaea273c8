import type { AudioFrame } from '@psrkit/pipeline';
import { concatPcm } from '@psrkit/protocol';
import { type Observable, Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { buzz, energyVad, silence, tone } from './__fixtures__/espeak.js';
import {
  type AnswerCall,
  type AnswerDetector,
  type AnswerEvent,
  type AnswerVerdict,
  answerModeOf,
  answerOnCall,
  createCadenceDetector,
  verdictResultFields,
} from './index.js';
import { answerFrames } from './testing/index.js';

/** A call as a bot sees it, recording what was done to it; `end()` ends it. */
function fakeCall(
  params: Record<string, string> = {},
  audio: Observable<AudioFrame> = new Subject(),
) {
  const did: string[] = [];
  const result: Record<string, string> = {};
  let end!: () => void;
  const closed = new Promise<void>((resolve) => {
    end = resolve;
  });
  const call: AnswerCall = {
    params,
    audio: () => audio,
    setResult: (fields) => Object.assign(result, fields),
    interrupt: () => did.push('interrupt'),
    hangup: () => did.push('hangup'),
    closed,
  };
  return { call, did, result, end };
}

/** A detector whose events the test sends. */
function scriptedDetector() {
  const events = new Subject<AnswerEvent>();
  let listening = 0;
  const detector: AnswerDetector = {
    specificationVersion: 1,
    name: 'scripted',
    detect: () => {
      listening++;
      return events;
    },
  };
  const verdict = (kind: AnswerVerdict['kind'], announcement?: string) =>
    events.next({
      type: 'verdict',
      verdict: {
        kind,
        ...(announcement && { announcement }),
        cause: 'phrase',
        decidedBy: 'transcript',
        atMs: 2000,
        tookMs: 2000,
        evidence: { timeline: [], voicedMs: 0, words: 0 },
      } as AnswerVerdict,
    });
  const greetingEnd = () => {
    events.next({ type: 'greeting-end', greetingEnd: { cause: 'beep', atMs: 4000 } });
    events.complete();
  };
  return { detector, verdict, greetingEnd, listening: () => listening };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('answerModeOf', () => {
  it('reads detect_answer, falls back without one, and reports a bad one', () => {
    expect(answerModeOf({ detect_answer: 'hold' })).toEqual({ mode: 'hold' });
    expect(answerModeOf({ detect_answer: ' Speak ' })).toEqual({ mode: 'speak' });
    expect(answerModeOf({}, 'speak')).toEqual({ mode: 'speak' });
    expect(answerModeOf({ detect_answer: 'off' }, 'hold')).toEqual({ mode: 'off' });
    expect(answerModeOf({ detect_answer: 'yes' }, 'hold')).toEqual({
      mode: 'hold',
      invalid: 'yes',
    });
  });
});

describe('answerOnCall', () => {
  it('off: no detection, the bot greets at once', async () => {
    const scripted = scriptedDetector();
    const { call } = fakeCall({ detect_answer: 'off' });
    const answer = answerOnCall(call, { detector: scripted.detector, mode: 'hold' });
    expect(await answer.mayGreet).toBe(true);
    expect(await answer.verdict).toBeUndefined();
    expect(scripted.listening()).toBe(0);
  });

  it('hold: a person lets the bot greet, recorded and logged', async () => {
    const scripted = scriptedDetector();
    const { call, did, result } = fakeCall({ detect_answer: 'hold' });
    const logs: [object, string][] = [];
    const answer = answerOnCall(call, {
      detector: scripted.detector,
      logger: { info: (fields, message) => logs.push([fields, message]), warn: () => {} },
    });
    scripted.verdict('human');
    expect(await answer.mayGreet).toBe(true);
    expect(result).toEqual({ answered_by: 'human' });
    expect(logs).toEqual([
      [
        {
          answered_by: 'human',
          mode: 'hold',
          cause: 'phrase',
          decided_by: 'transcript',
          took_ms: 2000,
        },
        'answered by human',
      ],
    ]);
    expect(did).toEqual([]);
    expect(answer.takeover.aborted).toBe(false);
  });

  it('hold: an announcement is hung up on without a word', async () => {
    const scripted = scriptedDetector();
    const { call, did, result } = fakeCall({ detect_answer: 'hold' });
    const answer = answerOnCall(call, { detector: scripted.detector });
    scripted.verdict('announcement', 'busy');
    expect(await answer.mayGreet).toBe(false);
    await settled();
    expect(result).toEqual({ answered_by: 'announcement', answered_by_kind: 'busy' });
    expect(did).toEqual(['interrupt', 'hangup']);
    expect(answer.takeover.aborted).toBe(true);
    expect(answer.takeover.reason).toMatchObject({ kind: 'announcement' });
  });

  it('hold: after maxHoldMs the bot speaks; a voicemail verdict later takes the call, the message after the beep', async () => {
    const clock = new VirtualTimeScheduler();
    const scripted = scriptedDetector();
    const { call, did, result } = fakeCall({ detect_answer: 'hold' });
    const answer = answerOnCall(call, {
      detector: scripted.detector,
      maxHoldMs: 3000,
      scheduler: clock,
      leaveMessage: async (end) => {
        did.push(`message after ${end.cause}`);
      },
    });
    let greets: boolean | undefined;
    void answer.mayGreet.then((may) => (greets = may));
    clock.maxFrames = 2999;
    clock.flush();
    await settled();
    expect(greets).toBeUndefined(); // still holding at 2999 ms
    clock.maxFrames = Number.POSITIVE_INFINITY;
    clock.flush();
    await settled();
    expect(greets).toBe(true);
    scripted.verdict('voicemail');
    await settled();
    expect(result).toEqual({ answered_by: 'voicemail' });
    expect(did).toEqual(['interrupt']); // the bot falls silent, waiting for the beep
    scripted.greetingEnd();
    await settled();
    expect(did).toEqual(['interrupt', 'message after beep', 'hangup']);
  });

  it('speak: greets at once; dead air later hangs up', async () => {
    const scripted = scriptedDetector();
    const { call, did } = fakeCall({}, new Subject());
    const answer = answerOnCall(call, { detector: scripted.detector, mode: 'speak' });
    expect(await answer.mayGreet).toBe(true);
    scripted.verdict('silence');
    await settled();
    expect(did).toEqual(['interrupt', 'hangup']);
  });

  it('a voicemail with no message to leave is hung up on at once', async () => {
    const scripted = scriptedDetector();
    const { call, did } = fakeCall({ detect_answer: 'speak' });
    answerOnCall(call, { detector: scripted.detector });
    scripted.verdict('voicemail');
    await settled();
    expect(did).toEqual(['interrupt', 'hangup']);
  });

  it('a bad detect_answer is logged and the default used; a bad maxHoldMs is refused', () => {
    const scripted = scriptedDetector();
    const warnings: object[] = [];
    const answer = answerOnCall(fakeCall({ detect_answer: 'maybe' }).call, {
      detector: scripted.detector,
      mode: 'speak',
      logger: { info: () => {}, warn: (fields) => warnings.push(fields) },
    });
    expect(answer.mode).toBe('speak');
    expect(warnings).toEqual([{ detect_answer: 'maybe', mode: 'speak' }]);
    expect(() =>
      answerOnCall(fakeCall().call, { detector: scripted.detector, maxHoldMs: -1 }),
    ).toThrow(/maxHoldMs must be ≥ 0/);
  });

  it('stops listening when the call ends, and after stop() records nothing', async () => {
    const audio = new Subject<AudioFrame>();
    const detector = createCadenceDetector({ openVad: energyVad });
    const ending = fakeCall({ detect_answer: 'hold' }, audio);
    const answer = answerOnCall(ending.call, { detector });
    expect(audio.observed).toBe(true);
    ending.end();
    await settled();
    expect(audio.observed).toBe(false);
    expect(await answer.verdict).toMatchObject({ kind: 'unknown', cause: 'stream-end' });
    const stopping = fakeCall({ detect_answer: 'hold' }, new Subject());
    const stopped = answerOnCall(stopping.call, { detector });
    stopped.stop();
    await stopped.verdict;
    expect(stopping.result).toEqual({});
  });

  it('on real audio: a voicemail greeting, its beep, the message, the hangup', async () => {
    const frames = new Subject<AudioFrame>();
    const { call, did, result } = fakeCall({ detect_answer: 'hold' }, frames);
    const answer = answerOnCall(call, {
      detector: createCadenceDetector({ openVad: energyVad }),
      leaveMessage: async (end) => did.push(`message at ${end.atMs} ms`),
    });
    const pcm = concatPcm([silence(0.3), buzz(3), silence(0.4), tone(1000, 0.4), silence(1)]);
    for (const frame of answerFrames(pcm)) frames.next(frame);
    expect(await answer.mayGreet).toBe(false);
    await settled();
    expect(result).toEqual(verdictResultFields(await (answer.verdict as Promise<AnswerVerdict>)));
    expect(did).toEqual(['interrupt', 'message at 4100 ms', 'hangup']);
  });
});
