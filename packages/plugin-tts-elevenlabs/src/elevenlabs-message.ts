import { TtsError } from '@psrkit/pipeline';
import { cutShort, parseJsonObject } from '@psrkit/protocol';

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

const invalid = (why: string, options?: ErrorOptions) =>
  new TtsError('INVALID_RESPONSE', `ElevenLabs sent ${why}`, options);

/**
 * One text frame from ElevenLabs, checked: an audio chunk (`audio`, `isFinal`, and the
 * characters' timing in `alignment`, else `normalizedAlignment`), or a refusal (`error`).
 * @throws {TtsError} `INVALID_RESPONSE` for anything else
 */
export function parseServerMessage(text: string): ServerMessage {
  let message: Record<string, unknown>;
  try {
    message = parseJsonObject(text);
  } catch (error) {
    throw invalid(`what is not a JSON object: ${cutShort(text)}`, { cause: error });
  }
  if (typeof message['error'] === 'string')
    return {
      kind: 'refusal',
      error: message['error'],
      message: typeof message['message'] === 'string' ? message['message'] : '',
      code: typeof message['code'] === 'number' ? message['code'] : undefined,
    };
  const { audio, isFinal } = message;
  if (audio !== undefined && audio !== null && typeof audio !== 'string')
    throw invalid(`audio that is not a base64 string: ${cutShort(text)}`);
  if (isFinal !== undefined && isFinal !== null && typeof isFinal !== 'boolean')
    throw invalid(`an isFinal that is not a boolean: ${cutShort(text)}`);
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
