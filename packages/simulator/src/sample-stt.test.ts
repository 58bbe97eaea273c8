import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AudioFrame } from '@psrkit/pipeline';
import { decodeWav } from '@psrkit/protocol';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { composeCaller } from './caller-track.js';
import { lineNoise } from './line-noise.js';
import { createSampleStt } from './sample-stt.js';

const sample = (name: string) =>
  decodeWav(readFileSync(fileURLToPath(new URL(`../samples/${name}`, import.meta.url)))).samples;

/** 20 ms frames of `pcm`, as a call hands them over. */
const frames = (pcm: Int16Array, sampleRate = 8000): AudioFrame[] =>
  Array.from({ length: Math.ceil(pcm.length / 160) }, (_, i) => ({
    samples: pcm.subarray(i * 160, (i + 1) * 160),
    sampleRate,
    channel: 'b' as const,
    startSample: i * 160,
  }));

const transcribe = async (pcm: Int16Array) => {
  const transcripts = await lastValueFrom(
    createSampleStt()
      .transcribe(from(frames(pcm)))
      .pipe(toArray()),
  );
  return transcripts.map((t) => t.text).join(' ');
};

describe('createSampleStt', () => {
  it('hears a bundled announcement whole, and the first words of its start', async () => {
    const busy = sample('answers/busy-vi.wav');
    expect(await transcribe(composeCaller([{ atMs: 300, samples: busy }]))).toBe(
      'Thuê bao quý khách vừa gọi hiện đang bận, xin quý khách vui lòng gọi lại sau.',
    );
    const start = await transcribe(busy.subarray(0, busy.length / 2));
    expect(start.startsWith('Thuê bao quý khách vừa')).toBe(true);
    expect(start.split(' ').length).toBeLessThan(12);
  });

  it("hears a person's words in order, a voicemail greeting without its beep, nothing in noise", async () => {
    const person = composeCaller([
      { atMs: 400, samples: sample('answers/alo-vi.wav') },
      { atMs: 3000, samples: sample('answers/alo-ai-day-vi.wav') },
    ]);
    expect(await transcribe(person)).toBe('Alô? Dạ alô, ai đấy ạ?');
    const voicemail = sample('answers/voicemail-en.wav');
    expect(await transcribe(voicemail)).toBe(
      "Hi, you've reached Lan. Please leave a message after the beep.",
    );
    expect(await transcribe(voicemail.subarray(voicemail.length - 4000))).toBe(''); // the beep
    expect(await transcribe(lineNoise())).toBe('');
    expect(await transcribe(new Int16Array(8000))).toBe('');
  });

  it('knows recordings of yours, and refuses audio that is not 8 kHz', async () => {
    const mine = Int16Array.from({ length: 4000 }, (_, i) =>
      Math.round(3000 * Math.sin(i / 3 + i * i * 1e-4)),
    );
    const stt = createSampleStt({ recordings: [{ samples: mine, text: 'my own words' }] });
    const [heard] = await lastValueFrom(stt.transcribe(from(frames(mine))).pipe(toArray()));
    expect(heard).toEqual({ type: 'final', text: 'my own words' });
    await expect(lastValueFrom(stt.transcribe(from(frames(mine, 16000))))).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });
});
