import { TtsError } from '@psrkit/pipeline';

/** The timing of the characters spoken in one audio chunk, ms from the chunk's start. */
export interface CharAlignment {
  readonly chars: readonly string[];
  readonly startsMs: readonly number[];
  readonly durationsMs: readonly number[];
}

/** What ElevenLabs sends on a stream-input socket, checked. */
export type ServerMessage =
  | {
      readonly kind: 'audio';
      /** Base64 PCM, or undefined (the final message has none). */
      readonly audio: string | undefined;
      readonly alignment: CharAlignment | undefined;
      readonly isFinal: boolean;
    }
  | {
      readonly kind: 'refusal';
      /** ElevenLabs' name for it (`quota_exceeded`, `invalid_api_key`, …). */
      readonly error: string;
      readonly message: string;
      readonly code: number | undefined;
    };

const MAX_QUOTE = 200;

/** Text from the service, cut short for an error message (it may be anything). */
export const cut = (text: string) =>
  text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}…` : text;

const invalid = (why: string) => new TtsError('INVALID_RESPONSE', `ElevenLabs sent ${why}`);

/**
 * One text frame from ElevenLabs, checked: an audio chunk (`audio`, `isFinal`, and the
 * characters' timing in `alignment`, else `normalizedAlignment`), or a refusal (`error`).
 * @throws {TtsError} `INVALID_RESPONSE` for anything else
 */
export function parseServerMessage(text: string): ServerMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(`what is not JSON: ${cut(text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(`JSON that is not an object: ${cut(text)}`);
  const message = value as Record<string, unknown>;
  if (typeof message['error'] === 'string')
    return {
      kind: 'refusal',
      error: message['error'],
      message: typeof message['message'] === 'string' ? message['message'] : '',
      code: typeof message['code'] === 'number' ? message['code'] : undefined,
    };
  const { audio, isFinal } = message;
  if (audio !== undefined && audio !== null && typeof audio !== 'string')
    throw invalid(`audio that is not a base64 string: ${cut(text)}`);
  if (isFinal !== undefined && isFinal !== null && typeof isFinal !== 'boolean')
    throw invalid(`an isFinal that is not a boolean: ${cut(text)}`);
  return {
    kind: 'audio',
    audio: audio ?? undefined,
    alignment: parseAlignment(message['alignment'] ?? message['normalizedAlignment']),
    isFinal: isFinal === true,
  };
}

const isTime = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** `{ chars, charStartTimesMs, charDurationsMs }`, three arrays of one length, or nothing. */
function parseAlignment(value: unknown): CharAlignment | undefined {
  if (value === undefined || value === null) return undefined;
  const { chars, charStartTimesMs, charDurationsMs } = value as Record<string, unknown>;
  if (
    !Array.isArray(chars) ||
    !Array.isArray(charStartTimesMs) ||
    !Array.isArray(charDurationsMs) ||
    !chars.every((char) => typeof char === 'string')
  )
    throw invalid(`an alignment without chars, charStartTimesMs and charDurationsMs`);
  if (charStartTimesMs.length !== chars.length || charDurationsMs.length !== chars.length)
    throw invalid(
      `an alignment of ${chars.length} characters with ${charStartTimesMs.length} start times and ${charDurationsMs.length} durations`,
    );
  if (!charStartTimesMs.every(isTime) || !charDurationsMs.every(isTime))
    throw invalid('an alignment with a time that is not a number of ms ≥ 0');
  return { chars, startsMs: charStartTimesMs, durationsMs: charDurationsMs };
}
