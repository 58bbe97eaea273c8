// What the network or the callee does with an outbound call, per destination number: the
// rule format of `startPsrApiEmulator({ callees })` and of `psr-sim serve-api --callees`.
// The JSON form is described by `callees.schema.json`; these types are its TypeScript face
// (a test keeps the two in step).

/**
 * A recording: a bundled sample's name (`answers/busy-vi.wav`, `hello.wav`; see
 * `samples/` in the package), a WAV file's path (relative to the callees file, or to the
 * working directory when given in code), or mono 16-bit PCM at 8000 Hz.
 */
export type CalleeAudio = string | Int16Array;

/** The language of the bundled recordings a behaviour uses when it names none. */
export type CalleeLanguage = 'vi' | 'en';

/** The carriers' announcements: the bot hears the network's message, then the line closes. */
export type AnnouncementType = 'busy' | 'unreachable' | 'out-of-coverage' | 'switched-off';

/** One thing a {@link CalleeBehaviour} of type `person` says. */
export interface CalleeUtterance {
  /** The recording. */
  readonly say: CalleeAudio;
  /** Pause before it, ms: from the answer for the first utterance, else from the end of the previous one. */
  readonly afterMs?: number;
}

/**
 * What happens to a call placed to a number: a discriminated union on `type`.
 *
 * - `answer`: after `ringMs` the callee answers (the WebSocket opens) and `wav` is their
 *   voice; they hang up `hangupAfterMs` after answering, or `tailMs` after the recording.
 * - `person`: answers like a human: a short "Alô?", a pause, more words
 *   (`utterances`, scripted — the callee does not listen to the bot), then hangs up after
 *   `tailMs` (or `hangupAfterMs` after answering).
 * - `no-answer`: create-stream answers OK, the phone rings `ringMs`, nothing ever connects.
 * - `busy`, `unreachable`, `out-of-coverage`, `switched-off`: the WebSocket opens after
 *   `ringMs` and the bot hears the carrier's announcement (`repeat` times) as the remote
 *   side, then the line closes (PSR sends `closed`). An assumption: PSR's pages do not say
 *   whether early media reaches the stream.
 * - `voicemail`: the WebSocket opens, a greeting plays ending in a ~1 kHz beep, then line
 *   noise until the bot hangs up or `maxMs` after the answer.
 * - `silence`: dead air: the WebSocket opens and the remote side carries low line noise
 *   until the bot hangs up or `maxMs`.
 * - `refuse`: create-stream itself answers `status` with PSR's `code` and `message`; no call.
 */
export type CalleeBehaviour =
  | {
      readonly type: 'answer';
      /** Ring before the answer, ms (default 2000). */
      readonly ringMs?: number;
      /** What the callee says from the answer on (default the bundled `caller.wav`). */
      readonly wav?: CalleeAudio;
      /** The callee hangs up this long after answering (PSR sends `closed`). */
      readonly hangupAfterMs?: number;
      /** Else they stay this long after the recording, then hang up (default 5000). */
      readonly tailMs?: number;
    }
  | {
      readonly type: 'person';
      /** Ring before the answer, ms (default 2000). */
      readonly ringMs?: number;
      /** The bundled voice when `utterances` is not given (default `vi`). */
      readonly lang?: CalleeLanguage;
      /**
       * What they say (default: "Alô?" after 400 ms, then "Dạ alô, ai đấy ạ?" 2500 ms later;
       * in English "Hello?" and "Yes, speaking.").
       */
      readonly utterances?: readonly CalleeUtterance[];
      /** The callee hangs up this long after answering. */
      readonly hangupAfterMs?: number;
      /** Else they stay this long after their last words, then hang up (default 5000). */
      readonly tailMs?: number;
    }
  | {
      readonly type: 'no-answer';
      /** How long it rings before the network gives up (default 30 000 ms); the bot never hears of it. */
      readonly ringMs?: number;
    }
  | {
      readonly type: AnnouncementType;
      /** Before the announcement starts, ms (default 1000). */
      readonly ringMs?: number;
      /** The bundled announcement's language (default `vi`). */
      readonly lang?: CalleeLanguage;
      /** The announcement (default bundled `answers/<type>-<lang>.wav`; `switched-off` uses `unreachable`'s). */
      readonly wav?: CalleeAudio;
      /** How many times it plays before the line closes (default 1). */
      readonly repeat?: number;
    }
  | {
      readonly type: 'voicemail';
      /** Ring before the voicemail answers, ms (default 15 000). */
      readonly ringMs?: number;
      /** The bundled greeting's language (default `vi`). */
      readonly lang?: CalleeLanguage;
      /** The greeting, beep included (default bundled `answers/voicemail-<lang>.wav`). */
      readonly wav?: CalleeAudio;
      /** The voicemail hangs up this long after answering unless the bot did (default 30 000 ms). */
      readonly maxMs?: number;
    }
  | {
      readonly type: 'silence';
      /** Ring before the line opens, ms (default 2000). */
      readonly ringMs?: number;
      /** The line closes this long after opening unless the bot hung up (default 30 000 ms). */
      readonly maxMs?: number;
    }
  | {
      readonly type: 'refuse';
      /** HTTP status of create-stream's answer (default 400). */
      readonly status?: number;
      /** PSR's `code` in the answer (default `INVALID_REQUEST`). */
      readonly code?: string;
      /** PSR's `message` (default `destination is not a valid number`). */
      readonly message?: string;
    };

/**
 * Which destinations a rule is for, matched against create-stream's `destination` as sent
 * (trimmed; `+84…` and `0…` are different numbers):
 *
 * - a string: the number itself, or a glob where `*` stands for any run of characters and
 *   `?` for one (`+8490*`, `090????123`);
 * - `{ regex }`: a JavaScript regular expression, searched in the destination (anchor it
 *   with `^…$` to match the whole);
 * - `{ lastDigit }`: the destination's last character is this digit or one of these
 *   (mixed test sets: `{ "lastDigit": [0, 1] }`).
 */
export type CalleeMatch =
  | string
  | { readonly regex: string }
  | { readonly lastDigit: number | readonly number[] };

/** One rule: the destinations it matches and what their callee does. */
export interface CalleeRule {
  /** Shown in the log (default `rules[<index>]`). */
  readonly name?: string;
  /** The destinations it applies to. */
  readonly match: CalleeMatch;
  /** What happens to calls to them. */
  readonly callee: CalleeBehaviour;
}

/** The emulator's callees: the first rule whose `match` fits a destination decides; `default` otherwise. */
export interface CalleeRules {
  /** Tried in order. */
  readonly rules?: readonly CalleeRule[];
  /** For destinations no rule matches (default: the emulator's `callee` recording answers at once). */
  readonly default?: CalleeBehaviour;
  /** Where relative recording paths are resolved (default the working directory; {@link loadCallees} sets the file's folder). */
  readonly baseDir?: string;
}

/** Every behaviour type, in the order the docs list them. */
export const CALLEE_TYPES = [
  'answer',
  'person',
  'no-answer',
  'busy',
  'unreachable',
  'out-of-coverage',
  'switched-off',
  'voicemail',
  'silence',
  'refuse',
] as const satisfies readonly CalleeBehaviour['type'][];

/** Ring before the WebSocket opens (or, for `no-answer`, before the network gives up), by type. */
export const RING_MS_DEFAULTS: Readonly<
  Record<Exclude<CalleeBehaviour['type'], 'refuse'>, number>
> = {
  answer: 2000,
  person: 2000,
  'no-answer': 30_000,
  busy: 1000,
  unreachable: 1000,
  'out-of-coverage': 1000,
  'switched-off': 1000,
  voicemail: 15_000,
  silence: 2000,
};
