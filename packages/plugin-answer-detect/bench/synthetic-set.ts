// The labelled set, made at bench time: people's greetings, voicemail greetings with and
// without a beep, Vietnamese carrier announcements (some followed by the English one, as
// the carriers play them), and silence or line noise — 60 answers a class, each clean and
// with line noise 20 dB and 10 dB below the speech. Voices, speeds, pitches, levels and
// pauses vary with a seeded random generator, so every run makes the same set.
import type { AnnouncementKind } from '../src/index.js';
import {
  ANNOUNCEMENTS,
  type Language,
  type Line,
  PERSON,
  PERSON_AGAIN,
  VOICEMAIL,
} from './answer-texts.js';
import type { Clip, Spoken, Truth } from './labelled-clip.js';
import { eachLimited, RATE, speak, type Voice } from './speak.js';

export const PER_CLASS = 60;
const VOICES: Record<Language, readonly string[]> = {
  vi: ['vi', 'vi-vn-x-central', 'vi-vn-x-south'],
  en: ['en-us', 'en-gb', 'en-gb-x-rp'],
};
const VARIANTS = ['', '+f1', '+f2', '+f3', '+f4', '+m1', '+m3', '+m5', '+klatt2', '+Annie'];
const FEMALE = ['+f2', '+f3', '+f4'];

type Random = () => number;
function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;
const between = (random: Random, low: number, high: number) => low + (high - low) * random();

function voiceFor(random: Random, language: Language, variants = VARIANTS): Voice {
  return {
    voice: pick(random, VOICES[language]) + pick(random, variants),
    speed: Math.round(between(random, 140, 195)),
    pitch: Math.round(between(random, 25, 80)),
    gap: Math.floor(between(random, 0, 4)),
  };
}

/** Pieces of one answer before mixing: speech at sample offsets, tones, the total length. */
interface Plan {
  readonly truth: Truth;
  readonly announcement?: AnnouncementKind;
  readonly speechDbfs: number;
  readonly parts: { at: number; text?: Line; voice?: Voice; pcm?: Int16Array }[];
  length: number;
  greetingEnd?: number;
  readonly lineNoiseDbfs?: number;
  readonly beep: boolean;
}

const ms = (samples: number) => (samples * 1000) / RATE;
const samplesOf = (seconds: number) => Math.round(seconds * RATE);

async function speechParts(plan: Plan): Promise<void> {
  await eachLimited(plan.parts, 2, async (part) => {
    if (part.text && part.voice) part.pcm = await speak(part.text.text, part.voice);
  });
}

/** Lays out speech one after the other: `gaps[i]` seconds before part i. */
async function sequence(plan: Plan, lines: { line: Line; voice: Voice; before: number }[]) {
  let at = 0;
  for (const { line, voice, before } of lines) {
    const pcm = await speak(line.text, voice);
    at += samplesOf(before);
    plan.parts.push({ at, text: line, voice, pcm });
    at += pcm.length;
  }
  return at;
}

async function person(i: number): Promise<Plan> {
  const random = seeded(1000 + i);
  const line = PERSON[i % PERSON.length]!;
  const voice = voiceFor(random, line.language);
  const plan: Plan = {
    truth: 'human',
    speechDbfs: between(random, -28, -14),
    parts: [],
    length: 0,
    beep: false,
  };
  const lines = [{ line, voice, before: between(random, 0.1, 1.2) }];
  if (random() < 0.4) {
    const again = pick(
      random,
      PERSON_AGAIN.filter((l) => l.language === line.language),
    );
    lines.push({ line: again, voice, before: between(random, 1.0, 2.5) });
  }
  const end = await sequence(plan, lines);
  plan.greetingEnd = plan.parts[0]!.at + plan.parts[0]!.pcm!.length;
  plan.length = Math.max(end + samplesOf(3), samplesOf(6));
  return plan;
}

async function voicemail(i: number): Promise<Plan> {
  const random = seeded(2000 + i);
  const line = VOICEMAIL[i % VOICEMAIL.length]!;
  const beep = i % 2 === 0;
  const plan: Plan = {
    truth: 'voicemail',
    speechDbfs: between(random, -26, -14),
    parts: [],
    length: 0,
    beep,
  };
  let end = await sequence(plan, [
    { line, voice: voiceFor(random, line.language), before: between(random, 0.2, 0.8) },
  ]);
  if (beep) {
    const hz = pick(random, [1000, 1400, 850, 425, 2000]);
    const seconds = between(random, 0.25, 1.0);
    const amplitude = 32768 * 10 ** (between(random, -20, -10) / 20);
    const at = end + samplesOf(between(random, 0.2, 0.8));
    const pcm = Int16Array.from({ length: samplesOf(seconds) }, (_, n) =>
      Math.round(
        amplitude *
          Math.sin((2 * Math.PI * hz * n) / RATE) *
          Math.min(1, n / 40, (samplesOf(seconds) - n) / 40),
      ),
    );
    plan.parts.push({ at, pcm });
    end = at + pcm.length;
  }
  plan.length = end + samplesOf(3);
  return plan;
}

async function announcement(i: number): Promise<Plan> {
  const random = seeded(3000 + i);
  const kind = ANNOUNCEMENTS[i % ANNOUNCEMENTS.length]!;
  const voice = voiceFor(random, 'vi', FEMALE);
  const plan: Plan = {
    truth: 'announcement',
    announcement: kind.kind,
    speechDbfs: between(random, -22, -14),
    parts: [],
    length: 0,
    beep: false,
  };
  const lines: { line: Line; voice: Voice; before: number }[] = [
    {
      line: { text: pick(random, kind.vi), language: 'vi' },
      voice,
      before: between(random, 0, 0.6),
    },
  ];
  if (random() < 0.5)
    lines.push({
      line: { text: kind.en, language: 'en' },
      voice: voiceFor(random, 'en', FEMALE),
      before: between(random, 0.4, 1.0),
    });
  plan.length = (await sequence(plan, lines)) + samplesOf(1);
  return plan;
}

function silence(i: number): Plan {
  const random = seeded(4000 + i);
  return {
    truth: 'silence',
    speechDbfs: -20,
    parts: [],
    length: samplesOf(6),
    beep: false,
    ...(i % 2 === 1 && { lineNoiseDbfs: between(random, -48, -36) }),
  };
}

/** The clean mix of a plan: speech at its level, tones as they are, line noise if any. */
function mix(plan: Plan, seed: number): { samples: Float64Array; spoken: Spoken[] } {
  const out = new Float64Array(plan.length);
  const spoken: Spoken[] = [];
  for (const part of plan.parts) {
    const pcm = part.pcm!;
    // Speech at the plan's active level (its RMS over frames above −45 dBFS); tones as made.
    const gain = part.text ? 10 ** (plan.speechDbfs / 20) / activeRms(pcm) : 1;
    for (let n = 0; n < pcm.length && part.at + n < out.length; n++)
      out[part.at + n]! += pcm[n]! * gain;
    if (part.text)
      spoken.push({
        startMs: ms(part.at),
        endMs: ms(part.at + pcm.length),
        text: part.text.text,
        language: part.text.language,
      });
  }
  if (plan.lineNoiseDbfs !== undefined) addLineNoise(out, plan.lineNoiseDbfs, seed, true);
  return { samples: out, spoken };
}

function activeRms(pcm: Int16Array): number {
  let sum = 0;
  let count = 0;
  for (let at = 0; at + 160 <= pcm.length; at += 160) {
    let frame = 0;
    for (let n = at; n < at + 160; n++) frame += (pcm[n]! / 32768) ** 2;
    if (frame / 160 > 10 ** (-45 / 10)) {
      sum += frame;
      count += 160;
    }
  }
  return Math.sqrt(sum / Math.max(1, count));
}

/** Phone-line noise at `dbfs`: low-passed hiss, 50 Hz hum and its harmonics, crackle. */
function addLineNoise(out: Float64Array, dbfs: number, seed: number, crackle: boolean): void {
  const random = seeded(seed);
  const hiss = new Float64Array(out.length);
  let low = 0;
  for (let n = 0; n < out.length; n++) {
    low = 0.7 * low + 0.3 * (random() * 2 - 1);
    hiss[n] =
      low +
      0.3 * Math.sin((2 * Math.PI * 50 * n) / RATE) +
      0.15 * Math.sin((2 * Math.PI * 150 * n) / RATE);
  }
  if (crackle)
    for (let burst = 0; burst < out.length / RATE; burst++) {
      const at = Math.floor(random() * out.length);
      const length = Math.floor(between(random, 20, 400));
      for (let n = at; n < Math.min(out.length, at + length); n++)
        hiss[n]! += (random() * 2 - 1) * 3;
    }
  let power = 0;
  for (const x of hiss) power += x * x;
  const gain = (32768 * 10 ** (dbfs / 20)) / Math.sqrt(power / hiss.length);
  for (let n = 0; n < out.length; n++) out[n]! += hiss[n]! * gain;
}

const toPcm = (samples: Float64Array) =>
  Int16Array.from(samples, (x) => Math.max(-32768, Math.min(32767, Math.round(x))));

/** The whole set: each class's answers, each clean and at two noise levels. */
export async function syntheticSet(perClass = PER_CLASS): Promise<Clip[]> {
  const makers: [string, (i: number) => Promise<Plan> | Plan][] = [
    ['person', person],
    ['voicemail', voicemail],
    ['announcement', announcement],
    ['silence', silence],
  ];
  const clips: Clip[] = [];
  for (const [name, make] of makers)
    for (let i = 0; i < perClass; i++) {
      const plan = await make(i);
      await speechParts(plan);
      const seed = 7919 * (i + 1) + name.length;
      const clean = mix(plan, seed);
      for (const snr of [undefined, 20, 10] as const) {
        const samples = Float64Array.from(clean.samples);
        if (snr !== undefined) addLineNoise(samples, plan.speechDbfs - snr, seed + snr, false);
        clips.push({
          id: `${name}-${i}${snr === undefined ? '' : `-snr${snr}`}`,
          truth: plan.truth,
          ...(plan.announcement && { announcement: plan.announcement }),
          noise: snr === undefined ? 'clean' : `${snr} dB`,
          samples: toPcm(samples),
          spoken: clean.spoken,
          ...(plan.greetingEnd !== undefined && { greetingEndMs: ms(plan.greetingEnd) }),
          beep: plan.beep,
        });
      }
    }
  return clips;
}
