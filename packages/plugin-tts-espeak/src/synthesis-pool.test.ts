import { describe, expect, it } from 'vitest';
import type {
  EngineInfo,
  SentenceEngine,
  SentenceJob,
  SentenceListener,
  StartEngine,
} from './sentence-engine.js';
import { type SpeechListener, SynthesisPool } from './synthesis-pool.js';

const INFO: EngineInfo = { voices: ['gmw/en-US'], sampleRate: 22050 };

/** An engine the test drives: it loads, finishes sentences and dies when told. */
class FakeEngine implements SentenceEngine {
  readonly ready: Promise<EngineInfo>;
  /** Texts of the sentences it was given, in order. */
  readonly ran: string[] = [];
  load!: () => void;
  #running: SentenceListener | undefined;
  #failLoad!: (error: Error) => void;

  constructor(readonly died: (why: string) => void) {
    this.ready = new Promise((resolve, reject) => {
      this.load = () => resolve(INFO);
      this.#failLoad = reject;
    });
  }
  get busy(): boolean {
    return this.#running !== undefined;
  }
  run(job: SentenceJob, listener: SentenceListener): void {
    this.ran.push(job.text);
    this.#running = listener;
  }
  /** Ends the running sentence with one piece of audio (its first sample: `value`). */
  finish(value = 1): void {
    const listener = this.#running!;
    this.#running = undefined;
    listener.samples(Int16Array.of(value));
    listener.done();
  }
  refuse(message: string): void {
    const listener = this.#running!;
    this.#running = undefined;
    listener.failed(message);
  }
  crashLoading(why: string): void {
    this.#failLoad(new Error(why));
    this.died(why);
  }
  async close(): Promise<void> {}
}

function fakes() {
  const engines: FakeEngine[] = [];
  const start: StartEngine = (died) => {
    const engine = new FakeEngine(died);
    engines.push(engine);
    return engine;
  };
  return { engines, start };
}

/** What a speech's listener saw, in order. */
function recorder(name: string, log: string[]): SpeechListener & { errors: Error[] } {
  const errors: Error[] = [];
  return {
    errors,
    samples: (pcm) => log.push(`${name}:${pcm[0]}`),
    complete: () => log.push(`${name} complete`),
    error: (error) => {
      errors.push(error);
      log.push(`${name} error`);
    },
  };
}

const speech = (...sentences: string[]) => ({
  sentences,
  voice: 'gmw/en-US',
  rate: 165,
  pitch: 50,
});
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('the synthesis pool: turns and cancellation', () => {
  it('takes turns by sentence: a short speech queued behind a long one runs after its current sentence', async () => {
    const { engines, start } = fakes();
    const pool = new SynthesisPool(1, start);
    const log: string[] = [];
    pool.speak(speech('a1', 'a2', 'a3'), recorder('a', log));
    pool.speak(speech('b1'), recorder('b', log));
    engines[0]!.load();
    await settled();
    for (let i = 1; i <= 4; i++) engines[0]!.finish(i);
    expect(engines[0]!.ran).toEqual(['a1', 'b1', 'a2', 'a3']);
    expect(log).toEqual(['a:1', 'b:2', 'b complete', 'a:3', 'a:4', 'a complete']);
    expect(await pool.info).toEqual(INFO);
  });

  it('runs speeches side by side on its engines, a speech one sentence at a time', async () => {
    const { engines, start } = fakes();
    const pool = new SynthesisPool(2, start);
    const log: string[] = [];
    pool.speak(speech('a1', 'a2'), recorder('a', log));
    for (const engine of engines) engine.load();
    await settled();
    expect(engines.map((e) => e.ran)).toEqual([['a1'], []]);
    pool.speak(speech('b1'), recorder('b', log));
    expect(engines.map((e) => e.ran)).toEqual([['a1'], ['b1']]);
    engines[1]!.finish(7);
    engines[0]!.finish(1);
    expect(engines.map((e) => e.busy)).toEqual([true, false]);
    engines[0]!.finish(2);
    expect(engines.map((e) => e.ran)).toEqual([['a1', 'a2'], ['b1']]);
    expect(log).toEqual(['b:7', 'b complete', 'a:1', 'a:2', 'a complete']);
  });

  it('drops a cancelled speech: its queued sentences never run, the running one is heard by nobody', async () => {
    const { engines, start } = fakes();
    const pool = new SynthesisPool(1, start);
    const log: string[] = [];
    const cancelA = pool.speak(speech('a1', 'a2', 'a3'), recorder('a', log));
    const cancelC = pool.speak(speech('c1'), recorder('c', log));
    pool.speak(speech('b1'), recorder('b', log));
    engines[0]!.load();
    await settled();
    cancelA(); // while a1 runs
    cancelC(); // while queued
    engines[0]!.finish(1);
    engines[0]!.finish(2);
    expect(engines[0]!.ran).toEqual(['a1', 'b1']);
    expect(log).toEqual(['b:2', 'b complete']);
    expect(engines[0]!.busy).toBe(false);
  });
});

describe('the synthesis pool: engines that fail', () => {
  it('fails a speech whose sentence the engine refuses, and goes on serving the others', async () => {
    const { engines, start } = fakes();
    const pool = new SynthesisPool(1, start);
    const log: string[] = [];
    const a = recorder('a', log);
    pool.speak(speech('a1', 'a2', 'a3'), a);
    pool.speak(speech('b1'), recorder('b', log));
    engines[0]!.load();
    await settled();
    engines[0]!.finish(1);
    engines[0]!.finish(2);
    engines[0]!.refuse('set_voice(x) failed');
    expect(engines[0]!.ran).toEqual(['a1', 'b1', 'a2']);
    expect(log).toEqual(['a:1', 'b:2', 'b complete', 'a error']);
    expect(a.errors[0]).toMatchObject({
      name: 'EspeakError',
      code: 'ENGINE_FAILED',
      message: 'eSpeak NG failed on sentence 2: set_voice(x) failed',
    });
  });

  it('replaces an engine that dies: its speech errors ENGINE_FAILED, the queue goes on on the new one', async () => {
    const { engines, start } = fakes();
    const pool = new SynthesisPool(1, start);
    const log: string[] = [];
    const a = recorder('a', log);
    pool.speak(speech('a1', 'a2'), a);
    pool.speak(speech('b1'), recorder('b', log));
    engines[0]!.load();
    await settled();
    engines[0]!.died('the worker thread stopped (exit code 1: boom)');
    expect(a.errors[0]).toMatchObject({
      code: 'ENGINE_FAILED',
      message: 'the worker thread stopped (exit code 1: boom)',
    });
    expect(engines).toHaveLength(2);
    engines[1]!.load();
    await settled();
    engines[1]!.finish(5);
    expect(engines[1]!.ran).toEqual(['b1']);
    expect(log).toEqual(['a error', 'b:5', 'b complete']);
  });

  it('does not restart an engine that cannot load until the next speech; with none left the queue fails', async () => {
    const { engines, start } = fakes();
    const pool = new SynthesisPool(1, start);
    const log: string[] = [];
    const a = recorder('a', log);
    pool.speak(speech('a1'), a);
    engines[0]!.crashLoading('eSpeak NG did not load: no memory');
    await expect(pool.info).rejects.toThrow('no memory');
    expect(engines).toHaveLength(1);
    expect(a.errors[0]).toMatchObject({
      code: 'ENGINE_FAILED',
      message: 'eSpeak NG did not load: no memory',
    });
    pool.speak(speech('b1'), recorder('b', log));
    expect(engines).toHaveLength(2);
    engines[1]!.load();
    await settled();
    engines[1]!.finish(3);
    expect(log).toEqual(['a error', 'b:3', 'b complete']);
  });
});
