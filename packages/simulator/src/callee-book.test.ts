import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '@psrkit/protocol';
import { describe, expect, it } from 'vitest';
import { tone } from '../../line/src/__fixtures__/audio.js';
import { toneShare } from './__fixtures__/listening-bot.js';
import { CALLEE_TYPES, type CalleeBehaviour, type CalleeRules } from './callee-behaviour.js';
import { compileCallees } from './callee-book.js';
import { calleesSchema, checkCallees, loadCallees } from './callees-file.js';
import { loadCallerAudio } from './caller-audio-file.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const fallback: CalleeBehaviour = { type: 'answer', ringMs: 0, wav: tone(100) };
const pcm = tone(100);

describe('callee rules', () => {
  it('the first rule that matches decides: a number, a glob, a regex, the last digit; else the default', async () => {
    const book = await compileCallees(
      {
        rules: [
          { match: '0900000001', callee: { type: 'refuse' } },
          { name: 'viettel', match: '+8496*', callee: { type: 'busy', wav: pcm } },
          { match: '090?000002', callee: { type: 'no-answer' } },
          { match: { regex: '^0(91|94)' }, callee: { type: 'silence' } },
          { match: { lastDigit: [3, 4] }, callee: { type: 'voicemail', wav: pcm } },
          { match: { lastDigit: 4 }, callee: { type: 'refuse' } },
        ],
        default: { type: 'person', utterances: [{ say: pcm }] },
      },
      fallback,
    );
    const pick = (destination: string) => {
      const { rule, behaviour } = book.pick(destination);
      return `${rule} ${behaviour}`;
    };
    expect(pick('0900000001')).toBe('rules[0] refuse');
    expect(pick('09000000011')).toBe('default person');
    expect(pick('+84961234567')).toBe('viettel busy');
    expect(pick('84961234567')).toBe('default person');
    expect(pick('0907000002')).toBe('rules[2] no-answer');
    expect(pick('09070000020')).toBe('default person');
    expect(pick('0941234567')).toBe('rules[3] silence');
    expect(pick('0981234564')).toBe('rules[4] voicemail');
    expect(pick('0981234565')).toBe('default person');
    // Without rules, the fallback: the emulator's own callee, at once.
    const plain = await compileCallees({}, fallback);
    expect(plain.pick('1')).toMatchObject({
      rule: 'default',
      plan: { kind: 'connect', ringMs: 0 },
    });
  });

  it('applies each behaviour its defaults and cuts recordings at hangupAfterMs and maxMs', async () => {
    const plan = async (callee: CalleeBehaviour) =>
      (await compileCallees({ default: callee }, fallback)).pick('1').plan;
    expect(await plan({ type: 'refuse' })).toEqual({
      kind: 'refuse',
      status: 400,
      code: 'INVALID_REQUEST',
      message: 'destination is not a valid number',
    });
    expect(await plan({ type: 'no-answer' })).toEqual({ kind: 'ring-out', ringMs: 30_000 });
    expect(await plan({ type: 'answer', wav: pcm, hangupAfterMs: 50 })).toMatchObject({
      kind: 'connect',
      ringMs: 2000,
      caller: pcm.subarray(0, 400),
      tailMs: 0,
      prompt: true,
      hangsUp: 'callee',
    });
    expect(await plan({ type: 'answer', wav: pcm, hangupAfterMs: 300 })).toMatchObject({
      tailMs: 200,
    });
    expect(await plan({ type: 'answer', wav: pcm })).toMatchObject({ tailMs: undefined });
    const busy = await plan({ type: 'busy', wav: pcm, repeat: 2 });
    expect(busy).toMatchObject({ ringMs: 1000, tailMs: 0, prompt: false, hangsUp: 'network' });
    expect(busy.kind === 'connect' && busy.caller.length).toBe(1600);
    expect(await plan({ type: 'silence', maxMs: 250 })).toMatchObject({
      caller: new Int16Array(0),
      tailMs: 250,
      tailNoise: true,
    });
    expect(await plan({ type: 'voicemail', wav: pcm })).toMatchObject({
      ringMs: 15_000,
      tailMs: 30_000 - 100,
      tailNoise: true,
    });
    const person = await plan({
      type: 'person',
      utterances: [{ say: pcm }, { say: pcm, afterMs: 100 }],
      tailMs: 0,
    });
    // 400 ms pause, 100 ms, 100 ms pause, 100 ms.
    expect(person.kind === 'connect' && person.caller.length).toBe(700 * 8);
  });

  it('says which field of which rule is wrong, in one line', async () => {
    const bad = (callees: unknown) => compileCallees(callees as CalleeRules, fallback);
    await expect(bad({ rules: [{ match: '1', callee: { type: 'bussy' } }] })).rejects.toThrow(
      'callees $.rules[0].callee.type: unknown callee type "bussy" (answer, person, no-answer, busy, unreachable, out-of-coverage, switched-off, voicemail, silence, refuse)',
    );
    await expect(
      bad({ rules: [{ match: { lastDigit: 12 }, callee: { type: 'busy' } }] }),
    ).rejects.toThrow('callees $.rules[0].match.lastDigit: must be a number ≤ 9, got 12');
    await expect(bad({ rules: [{ match: 5, callee: { type: 'busy' } }] })).rejects.toThrow(
      'callees $.rules[0].match: must be a string or object, got 5',
    );
    await expect(
      bad({ rules: [{ match: { regex: '(' }, callee: { type: 'busy' } }] }),
    ).rejects.toMatchObject({
      code: 'INVALID_CALLEES',
      path: 'callees $.rules[0].match.regex',
    });
    await expect(bad({ default: { type: 'silence', ringMs: -1 } })).rejects.toThrow(
      'callees $.default.ringMs: must be a number ≥ 0, got -1',
    );
    await expect(bad({ default: { type: 'busy', volume: 3 } })).rejects.toThrow(
      'callees $.default.volume: unknown field (allowed: type, ringMs, lang, wav, repeat)',
    );
    await expect(
      bad({ rules: [{ match: '1', callee: { type: 'answer', wav: 'nowhere.wav' } }] }),
    ).rejects.toMatchObject({
      code: 'INVALID_CALLEES',
      message: expect.stringMatching(
        /^callees \$\.rules\[0\]\.callee\.wav: .*nowhere\.wav: cannot read/,
      ),
    });
  });

  it('reads a callees file, with recordings relative to it, and names the file in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'psr-sim-callees-'));
    try {
      await writeFile(
        join(dir, 'beep.wav'),
        encodeWav({ sampleRate: 8000, channels: 1, samples: tone(200, 1000) }),
      );
      const file = join(dir, 'callees.json');
      await writeFile(
        file,
        JSON.stringify({ rules: [{ match: '1', callee: { type: 'busy', wav: 'beep.wav' } }] }),
      );
      const callees = await loadCallees(file);
      expect(callees.baseDir).toBe(dir);
      const { plan } = (await compileCallees(callees, fallback)).pick('1');
      expect(plan.kind === 'connect' && plan.caller).toEqual(tone(200, 1000));
      await writeFile(file, '{"rules": [');
      await expect(loadCallees(file)).rejects.toMatchObject({
        code: 'INVALID_CALLEES',
        message: expect.stringContaining(`${file}: not JSON`),
      });
      await writeFile(file, '{"rules": [{"match": "1"}]}');
      await expect(loadCallees(file)).rejects.toThrow(`${file} $.rules[0].callee: is required`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the shipped example is valid and every bundled recording it can name loads', async () => {
    const example = await loadCallees(here('../callees/mixed.json'));
    expect(example.rules?.length).toBeGreaterThan(5);
    const book = await compileCallees(example, fallback);
    expect(book.pick('0900000000').behaviour).toBe('refuse');
    for (const lang of ['vi', 'en'] as const)
      for (const type of [
        'busy',
        'unreachable',
        'out-of-coverage',
        'switched-off',
        'voicemail',
      ] as const)
        await compileCallees({ default: { type, lang } }, fallback);
    await compileCallees({ default: { type: 'person', lang: 'en' } }, fallback);
  });

  it('the schema and the types describe the same behaviours, field for field', () => {
    const every: CalleeBehaviour[] = [
      { type: 'answer', ringMs: 1, wav: 'a.wav', hangupAfterMs: 1, tailMs: 1 },
      {
        type: 'person',
        ringMs: 1,
        lang: 'en',
        utterances: [{ say: 'a.wav', afterMs: 1 }],
        hangupAfterMs: 1,
        tailMs: 1,
      },
      { type: 'no-answer', ringMs: 1 },
      { type: 'busy', ringMs: 1, lang: 'vi', wav: 'a.wav', repeat: 2 },
      { type: 'voicemail', ringMs: 1, lang: 'vi', wav: 'a.wav', maxMs: 1 },
      { type: 'silence', ringMs: 1, maxMs: 1 },
      { type: 'refuse', status: 503, code: 'X', message: 'y' },
    ];
    for (const callee of every) expect(() => checkCallees({ default: callee })).not.toThrow();
    const callee = (calleesSchema['definitions'] as Record<string, { oneOf: object[] }>)['callee']!;
    const tags = callee.oneOf.flatMap((branch) => {
      const type = (branch as { properties: { type: { const?: string; enum?: string[] } } })
        .properties.type;
      return type.const ? [type.const] : type.enum!;
    });
    expect(tags).toEqual([...CALLEE_TYPES]);
  });
});

describe('bundled answer recordings', () => {
  it('are 8 kHz mono 16-bit, a few hundred KB in all, and the voicemail greetings end in a 1 kHz beep', async () => {
    const dir = here('../samples/answers');
    const names = (await readdir(dir)).filter((name) => name.endsWith('.wav'));
    expect(names).toHaveLength(12);
    let bytes = 0;
    for (const name of names) {
      const { size } = await stat(join(dir, name));
      bytes += size;
      const header = await readFile(join(dir, name));
      expect(header.readUInt16LE(22), `${name} channels`).toBe(1);
      expect(header.readUInt32LE(24), `${name} rate`).toBe(8000);
      expect(header.readUInt16LE(34), `${name} bits`).toBe(16);
    }
    expect(bytes).toBeLessThan(600_000);
    for (const name of ['voicemail-vi.wav', 'voicemail-en.wav']) {
      const greeting = await loadCallerAudio(join(dir, name));
      expect(toneShare(greeting.subarray(-4000, -800), 1000), name).toBeGreaterThan(0.9);
    }
  });
});
