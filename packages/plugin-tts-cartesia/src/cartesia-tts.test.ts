import type { SpeechPiece } from '@psrkit/pipeline';
import { describeTtsV2Conformance } from '@psrkit/pipeline/testing';
import { lastValueFrom, Subject, take, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createCartesiaTts } from './cartesia-tts.js';
import { startFakeCartesia } from './testing/index.js';

const fake = await startFakeCartesia({ voices: ['fake-voice', 'other-voice'] });
// A generous limit: an answer on loopback is not timed here (a busy machine may be slow).
const tts = createCartesiaTts({
  apiKey: fake.apiKey,
  voiceId: 'fake-voice',
  voices: ['other-voice'],
  baseUrl: fake.url,
});
afterAll(async () => {
  tts.close();
  await fake.close();
});

describeTtsV2Conformance(
  tts,
  { describe, it, expect },
  { engineStopped: async () => expect(await fake.contexts.at(-1)!.ended).toBe('cancelled') },
);

const audioMs = (pieces: readonly SpeechPiece[]) =>
  pieces.reduce((ms, p) => (p.type === 'audio' ? ms + p.samples.length / 8 : ms), 0);
const words = (pieces: readonly SpeechPiece[]) =>
  pieces.flatMap((p) => (p.type === 'words' ? p.words : []));

/** A speech held open by its text, its pieces collected as they come. */
function held(speak = tts.speak.bind(tts)) {
  const text = new Subject<string>();
  const pieces: SpeechPiece[] = [];
  const speech = speak(text);
  let subscription: { unsubscribe(): void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    subscription = speech.subscribe({
      next: (p) => pieces.push(p),
      error: reject,
      complete: resolve,
    });
  });
  return { text, pieces, done, cancel: () => subscription!.unsubscribe() };
}

describe('Cartesia WebSocket text-to-speech', () => {
  it('speaks the documented protocol: a context continued sentence by sentence, closed by an empty one', async () => {
    fake.behave('speak');
    const vi = createCartesiaTts({
      apiKey: fake.apiKey,
      voiceId: 'fake-voice',
      language: 'vi',
      speed: 0.9,
      baseUrl: `${fake.url}/`,
    });
    try {
      const pieces = await lastValueFrom(
        vi.speak('Dạ chào anh Nam. Em gọi từ công ty ABC.').pipe(toArray()),
      );
      const socket = fake.sockets.at(-1)!;
      expect(socket).toMatchObject({ apiKey: fake.apiKey, version: '2026-03-01' });
      const common = {
        model_id: 'sonic-3',
        language: 'vi',
        voice: { mode: 'id', id: 'fake-voice' },
        output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 8000 },
        add_timestamps: true,
        max_buffer_delay_ms: 0,
        generation_config: { speed: 0.9 },
      };
      const context = fake.contexts.at(-1)!;
      expect(socket.received).toEqual([
        { ...common, context_id: context.id, transcript: 'Dạ chào anh Nam. ', continue: true },
        {
          ...common,
          context_id: context.id,
          transcript: 'Em gọi từ công ty ABC. ',
          continue: true,
        },
        { ...common, context_id: context.id, transcript: '', continue: false },
      ]);
      expect(await context.ended).toBe('done');
      // 60 ms a character; the second transcript's times count from the context's start.
      expect(audioMs(pieces)).toBe(40 * 60);
      expect(words(pieces)).toEqual(
        [
          ['Dạ', 0, 2],
          ['chào', 3, 7],
          ['anh', 8, 11],
          ['Nam.', 12, 16],
          ['Em', 17, 19],
          ['gọi', 20, 23],
          ['từ', 24, 26],
          ['công', 27, 31],
          ['ty', 32, 34],
          ['ABC.', 35, 39],
        ].map(([text, start, end]) => ({ text, startMs: +start! * 60, endMs: +end! * 60 })),
      );
    } finally {
      vi.close();
    }
  });

  it('never reports a word before its audio (Cartesia may time words ahead of it)', async () => {
    fake.behave('speak');
    let audio = 0;
    for (const piece of await lastValueFrom(
      tts.speak('Một hai ba bốn năm sáu bảy.').pipe(toArray()),
    )) {
      if (piece.type === 'audio') audio += piece.samples.length / 8;
      else for (const word of piece.words) expect(word.endMs).toBeLessThanOrEqual(audio);
    }
  });

  it('streams: a sentence is spoken while the model is still writing the next', async () => {
    fake.behave('speak');
    const speech = held();
    speech.text.next('Xin chào anh Nam. Em');
    await expect.poll(() => speech.pieces.length).toBeGreaterThan(0);
    expect(fake.contexts.at(-1)!.transcripts).toEqual(['Xin chào anh Nam. ']);
    speech.text.next(' gọi lại sau.');
    speech.text.complete();
    await speech.done;
    expect(
      words(speech.pieces)
        .map((w) => w.text)
        .join(' '),
    ).toBe('Xin chào anh Nam. Em gọi lại sau.');
  });

  it("shares one socket: a barge-in cancels that speech's context, never another's", async () => {
    fake.behave('speak');
    const sockets = fake.sockets.length;
    const [first, second] = [held(), held()];
    first.text.next('Câu thứ nhất của cuộc gọi một. Và');
    second.text.next('Câu thứ nhất của cuộc gọi hai. Và');
    await expect.poll(() => first.pieces.length > 0 && second.pieces.length > 0).toBe(true);
    const [a, b] = fake.contexts.slice(-2);
    first.cancel();
    expect(await a!.ended).toBe('cancelled');
    second.text.next(' câu thứ hai.');
    second.text.complete();
    await second.done;
    expect(await b!.ended).toBe('done');
    expect(a!.socket).toBe(b!.socket);
    expect(fake.sockets.length - sockets).toBeLessThanOrEqual(1);
    const cancels = fake.sockets[a!.socket]!.received.filter(
      (m) =>
        (m as { cancel?: boolean }).cancel &&
        [a!.id, b!.id].includes((m as { context_id: string }).context_id),
    );
    expect(cancels).toEqual([{ context_id: a!.id, cancel: true }]);
    expect(
      words(second.pieces)
        .map((w) => w.text)
        .join(' '),
    ).toBe('Câu thứ nhất của cuộc gọi hai. Và câu thứ hai.');
  });

  it('speaks in a voice named by speak', async () => {
    fake.behave('speak');
    await lastValueFrom(tts.speak('Một giọng khác, xin chào.', { voice: 'other-voice' }));
    const context = fake.contexts.at(-1)!;
    const requests = fake.sockets[context.socket]!.received.filter(
      (m) => (m as { context_id?: string }).context_id === context.id,
    );
    expect(requests.map((m) => (m as { voice: unknown }).voice)).toEqual([
      { mode: 'id', id: 'other-voice' },
      { mode: 'id', id: 'other-voice' },
    ]);
  });

  it('sends nothing for empty text, nor for a model that wrote nothing', async () => {
    fake.behave('speak');
    const contexts = fake.contexts.length;
    expect(await lastValueFrom(tts.speak('  \n ').pipe(toArray()))).toEqual([]);
    const speech = held();
    speech.text.next('   ');
    speech.text.complete();
    await speech.done;
    expect(speech.pieces).toEqual([]);
    expect(fake.contexts.length).toBe(contexts);
  });

  it("passes the model's failure on, and cancels the context", async () => {
    fake.behave('speak');
    const speech = held();
    speech.text.next('Câu đầu tiên ở đây. Câu');
    await expect.poll(() => fake.contexts.at(-1)?.transcripts).toEqual(['Câu đầu tiên ở đây. ']);
    const llmError = new Error('the model broke');
    speech.text.error(llmError);
    await expect(speech.done).rejects.toBe(llmError);
    expect(await fake.contexts.at(-1)!.ended).toBe('cancelled');
  });

  it('close() ends the shared socket; the next speech opens another', async () => {
    fake.behave('speak');
    const own = createCartesiaTts({
      apiKey: fake.apiKey,
      voiceId: 'fake-voice',
      baseUrl: fake.url,
    });
    await lastValueFrom(own.speak('Lần đầu tiên, xin chào.'));
    const before = fake.sockets.length;
    own.close();
    expect(await fake.sockets.at(-1)!.closed).toBe(1000);
    await lastValueFrom(own.speak('Lần thứ hai, xin chào.').pipe(take(1)));
    expect(fake.sockets.length).toBe(before + 1);
    own.close();
  });

  it('says which options are wrong, and describes itself without its key', () => {
    const base = { apiKey: 'secret-key', voiceId: 'v' };
    const wrong = (options: object) => () => createCartesiaTts({ ...base, ...options });
    expect(wrong({ apiKey: '' })).toThrow(/apiKey is required/);
    expect(wrong({ voiceId: '' })).toThrow(/voiceId is required/);
    expect(wrong({ baseUrl: 'https://api.cartesia.ai' })).toThrow(/ws:\/\/ or wss:\/\//);
    expect(wrong({ sampleRate: 11025 })).toThrow(/sampleRate must be one of 8000, 16000/);
    expect(wrong({ timeoutMs: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    const wide = createCartesiaTts({ ...base, sampleRate: 16000 });
    expect(wide).toMatchObject({
      name: 'cartesia',
      sampleRate: 16000,
      voices: ['v'],
      capabilities: { streamingInput: true, wordTimings: true },
    });
    expect(wide.settingsKey).toContain('"sample_rate":16000');
    expect(wide.settingsKey).not.toContain('secret-key');
    // The voice it speaks in when none is named shapes its audio: a cache keys on it.
    const other = createCartesiaTts({ ...base, voiceId: 'w', sampleRate: 16000 });
    expect(other.settingsKey).not.toBe(wide.settingsKey);
    other.close();
    wide.close();
  });
});
