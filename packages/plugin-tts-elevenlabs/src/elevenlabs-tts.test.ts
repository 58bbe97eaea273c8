import type { SpeechPiece } from '@psrkit/pipeline';
import { describeTtsV2Conformance } from '@psrkit/pipeline/testing';
import { lastValueFrom, Subject, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createElevenLabsTts } from './elevenlabs-tts.js';
import { startFakeElevenLabs } from './testing/index.js';

const fake = await startFakeElevenLabs({ voices: ['fake-voice', 'other-voice'] });
afterAll(() => fake.close());

// A generous limit: an answer on loopback is not timed here (a busy machine may be slow).
const tts = createElevenLabsTts({
  apiKey: fake.apiKey,
  voiceId: 'fake-voice',
  voices: ['other-voice'],
  baseUrl: fake.url,
});

describeTtsV2Conformance(
  tts,
  { describe, it, expect },
  { engineStopped: () => fake.sessions.at(-1)!.closed },
);

const audioMs = (pieces: SpeechPiece[]) =>
  pieces.reduce((ms, p) => (p.type === 'audio' ? ms + p.samples.length / 8 : ms), 0);
const words = (pieces: SpeechPiece[]) => pieces.flatMap((p) => (p.type === 'words' ? p.words : []));

describe('ElevenLabs stream-input text-to-speech', () => {
  it('speaks the documented protocol: key header, query, a space first, sentences flushed, an empty end', async () => {
    fake.behave('speak');
    const vi = createElevenLabsTts({
      apiKey: fake.apiKey,
      voiceId: 'fake-voice',
      baseUrl: `${fake.url}/`,
      languageCode: 'vi',
      voiceSettings: { stability: 0.5, similarityBoost: 0.75, speed: 1.1 },
      chunkLengthSchedule: [50, 120],
    });
    const pieces = await lastValueFrom(
      vi.speak('Dạ chào anh Nam. Em gọi từ công ty ABC.').pipe(toArray()),
    );
    const session = fake.sessions.at(-1)!;
    expect(session).toMatchObject({
      voice: 'fake-voice',
      apiKey: fake.apiKey,
      query: {
        model_id: 'eleven_flash_v2_5',
        output_format: 'pcm_8000',
        sync_alignment: 'true',
        language_code: 'vi',
      },
    });
    expect(session.received).toEqual([
      {
        text: ' ',
        voice_settings: { stability: 0.5, similarity_boost: 0.75, speed: 1.1 },
        generation_config: { chunk_length_schedule: [50, 120] },
      },
      { text: 'Dạ chào anh Nam. ', flush: true },
      { text: 'Em gọi từ công ty ABC. ', flush: true },
      { text: '' },
    ]);
    expect(await session.closed).toBe(1000);
    // 60 ms a character, the second sentence from 17 characters in: times across chunks
    // of 7 characters, counted from the speech's first sample.
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
  });

  it('streams: a sentence is spoken while the model is still writing the next', async () => {
    fake.behave('speak');
    const text = new Subject<string>();
    const pieces: SpeechPiece[] = [];
    const done = new Promise<void>((resolve, reject) =>
      tts.speak(text).subscribe({ next: (p) => pieces.push(p), error: reject, complete: resolve }),
    );
    text.next('Xin chào anh Nam. Em');
    await expect.poll(() => pieces.length).toBeGreaterThan(0);
    expect(fake.sessions.at(-1)!.received).toEqual([
      { text: ' ' },
      { text: 'Xin chào anh Nam. ', flush: true },
    ]);
    text.next(' gọi lại sau.');
    text.complete();
    await done;
    expect(words(pieces).map((w) => w.text)).toEqual([
      'Xin',
      'chào',
      'anh',
      'Nam.',
      'Em',
      'gọi',
      'lại',
      'sau.',
    ]);
  });

  it('speaks in a voice named by speak', async () => {
    fake.behave('speak');
    await lastValueFrom(tts.speak('Một giọng khác, xin chào.', { voice: 'other-voice' }));
    expect(fake.sessions.at(-1)!.voice).toBe('other-voice');
  });

  it('opens no socket for empty text, and closes one whose model wrote nothing', async () => {
    const before = fake.sessions.length;
    expect(await lastValueFrom(tts.speak('  \n ').pipe(toArray()))).toEqual([]);
    expect(fake.sessions.length).toBe(before);
    const text = new Subject<string>();
    const pieces = lastValueFrom(tts.speak(text).pipe(toArray()));
    await expect.poll(() => fake.sessions.length).toBe(before + 1);
    text.next('   ');
    text.complete();
    expect(await pieces).toEqual([]);
    expect(await fake.sessions.at(-1)!.closed).toBe(1000);
  });

  it("passes the model's failure on, and closes the socket", async () => {
    fake.behave('speak');
    const text = new Subject<string>();
    const failed = lastValueFrom(tts.speak(text)).catch((error: unknown) => error);
    text.next('Câu đầu tiên ở đây. Câu');
    await expect.poll(() => fake.sessions.at(-1)!.received.length).toBe(2);
    const llmError = new Error('the model broke');
    text.error(llmError);
    expect(await failed).toBe(llmError);
    await fake.sessions.at(-1)!.closed;
  });

  it('says which options are wrong', () => {
    const base = { apiKey: 'k', voiceId: 'v' };
    const wrong = (options: object) => () => createElevenLabsTts({ ...base, ...options });
    expect(wrong({ apiKey: '' })).toThrow(/apiKey is required/);
    expect(wrong({ voiceId: '' })).toThrow(/voiceId is required/);
    expect(wrong({ baseUrl: 'https://api.elevenlabs.io' })).toThrow(/ws:\/\/ or wss:\/\//);
    expect(wrong({ sampleRate: 11025 })).toThrow(/sampleRate must be one of 8000, 16000/);
    expect(wrong({ timeoutMs: 0 })).toThrow(/timeoutMs must be > 0/);
    expect(wrong({ apiKey: '' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('describes itself: 8 kHz by default, any ElevenLabs PCM rate asked for, no secret in its key', () => {
    expect(tts).toMatchObject({
      name: 'elevenlabs',
      sampleRate: 8000,
      voices: ['fake-voice', 'other-voice'],
      capabilities: { streamingInput: true, wordTimings: true },
    });
    const wide = createElevenLabsTts({ apiKey: 'secret-key', voiceId: 'v', sampleRate: 16000 });
    expect(wide.sampleRate).toBe(16000);
    expect(wide.settingsKey).toContain('pcm_16000');
    expect(wide.settingsKey).not.toContain('secret-key');
    expect(wide.settingsKey).not.toBe(tts.settingsKey);
    // The voice it speaks in when none is named shapes its audio: a cache keys on it.
    const other = createElevenLabsTts({ apiKey: 'secret-key', voiceId: 'w', sampleRate: 16000 });
    expect(other.settingsKey).not.toBe(wide.settingsKey);
  });
});
