import { PSR_SAMPLE_RATE } from '@psrkit/protocol';
import {
  announcementSample,
  DEFAULT_ANSWER_SAMPLE,
  personUtterances,
  voicemailSample,
} from './bundled-samples.js';
import { type CalleeAudio, type CalleeBehaviour, RING_MS_DEFAULTS } from './callee-behaviour.js';
import { composeCaller } from './caller-track.js';

const RATE = PSR_SAMPLE_RATE / 1000; // samples per ms
const MAX_MS_DEFAULT = 30_000;

/** Who ends a connected call when the bot does not: the callee, or the network after its announcement. */
export type CalleeHangsUp = 'callee' | 'network';

/** What the emulator does with one create-stream request, all recordings loaded. */
export type CalleePlan =
  | {
      readonly kind: 'refuse';
      readonly status: number;
      readonly code: string;
      readonly message: string;
    }
  | { readonly kind: 'ring-out'; readonly ringMs: number }
  | {
      readonly kind: 'connect';
      readonly ringMs: number;
      /** The remote side's audio from the moment the WebSocket opens. */
      readonly caller: Int16Array;
      /** After it; undefined: the emulator's `call.tailMs` (default 5000). */
      readonly tailMs: number | undefined;
      /** Line noise rather than digital silence after `caller`. */
      readonly tailNoise: boolean;
      /** Whether create-stream's `audio_file` plays (the call counts as answered). */
      readonly prompt: boolean;
      /** Who ends the call when `caller` and the tail are over. */
      readonly hangsUp: CalleeHangsUp;
    };

/** Reads a recording named in a behaviour; `path` says where it was named (`$.rules[0].callee.wav`). */
export type CalleeAudioLoader = (source: CalleeAudio, path: string) => Promise<Int16Array>;

/** `track` cut or lengthened so that the callee hangs up `endMs` after answering. */
function endAt(track: Int16Array, endMs: number): { caller: Int16Array; tailMs: number } {
  const end = Math.round(endMs * RATE);
  return end <= track.length
    ? { caller: track.subarray(0, end), tailMs: 0 }
    : { caller: track, tailMs: (end - track.length) / RATE };
}

/** `track` followed by `tailMs`, unless `hangupAfterMs` ends it. */
const hangUpAfter = (
  track: Int16Array,
  hangupAfterMs: number | undefined,
  tailMs: number | undefined,
) => (hangupAfterMs === undefined ? { caller: track, tailMs } : endAt(track, hangupAfterMs));

async function personTrack(
  behaviour: Extract<CalleeBehaviour, { type: 'person' }>,
  load: CalleeAudioLoader,
  path: string,
): Promise<Int16Array> {
  const utterances = behaviour.utterances ?? personUtterances(behaviour.lang ?? 'vi');
  const segments = [];
  let atMs = 0;
  for (const [i, { say, afterMs }] of utterances.entries()) {
    const samples = await load(say, `${path}.utterances[${i}].say`);
    atMs += afterMs ?? (i === 0 ? 400 : 2500);
    segments.push({ atMs, samples });
    atMs += samples.length / RATE;
  }
  return composeCaller(segments);
}

/**
 * Turns a behaviour into what the emulator does: its recordings loaded (the bundled one
 * when it names none), its defaults applied.
 * @param path where the behaviour is, for errors (`$.rules[2].callee`)
 */
export async function planCallee(
  behaviour: CalleeBehaviour,
  load: CalleeAudioLoader,
  path: string,
): Promise<CalleePlan> {
  if (behaviour.type === 'refuse')
    return {
      kind: 'refuse',
      status: behaviour.status ?? 400,
      code: behaviour.code ?? 'INVALID_REQUEST',
      message: behaviour.message ?? 'destination is not a valid number',
    };
  const ringMs = behaviour.ringMs ?? RING_MS_DEFAULTS[behaviour.type];
  const opens = {
    kind: 'connect',
    ringMs,
    tailNoise: false,
    prompt: true,
    hangsUp: 'callee',
  } as const;
  switch (behaviour.type) {
    case 'no-answer':
      return { kind: 'ring-out', ringMs };
    case 'answer': {
      const track = await load(behaviour.wav ?? DEFAULT_ANSWER_SAMPLE, `${path}.wav`);
      return { ...opens, ...hangUpAfter(track, behaviour.hangupAfterMs, behaviour.tailMs) };
    }
    case 'person': {
      const track = await personTrack(behaviour, load, path);
      return { ...opens, ...hangUpAfter(track, behaviour.hangupAfterMs, behaviour.tailMs ?? 5000) };
    }
    case 'voicemail': {
      const wav = behaviour.wav ?? voicemailSample(behaviour.lang ?? 'vi');
      const track = await load(wav, `${path}.wav`);
      return { ...opens, tailNoise: true, ...endAt(track, behaviour.maxMs ?? MAX_MS_DEFAULT) };
    }
    case 'silence':
      return {
        ...opens,
        tailNoise: true,
        ...endAt(new Int16Array(0), behaviour.maxMs ?? MAX_MS_DEFAULT),
      };
    default: {
      const wav = behaviour.wav ?? announcementSample(behaviour.type, behaviour.lang ?? 'vi');
      const once = await load(wav, `${path}.wav`);
      const repeat = behaviour.repeat ?? 1;
      const caller = new Int16Array(once.length * repeat);
      for (let i = 0; i < repeat; i++) caller.set(once, i * once.length);
      // The callee never answered: the bot hears the network, and audio_file does not play.
      return { ...opens, caller, tailMs: 0, prompt: false, hangsUp: 'network' };
    }
  }
}
