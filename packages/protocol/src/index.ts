export { base64DecodedLength, decodeBase64, encodeBase64 } from './base64.js';
export {
  buildConnectionUrl,
  type ConnectionQuery,
  type ConnectionQueryInit,
  parseConnectionQuery,
} from './connection-query.js';
export {
  CREATE_STREAM_PATH,
  type CreateStreamOptions,
  type CreateStreamResult,
  createStream,
  PsrApiError,
  type PsrApiErrorCode,
  type StreamApp,
} from './create-stream.js';
export { cutShort, MAX_QUOTED_CHARS } from './cut-short.js';
export { isProtocolError, ProtocolError, type ProtocolErrorCode } from './errors.js';
export { checkExtension, checkIdentifier, MAX_IDENTIFIER_LENGTH } from './identifiers.js';
export {
  type ClosedEvent,
  type ConnectedEvent,
  closedEvent,
  connectedEvent,
  DEFAULT_MAX_PAYLOAD_BYTES,
  type DecodedPsrEvent,
  type DecodeEventOptions,
  decodeEvent,
  encodeEvent,
  type MediaEvent,
  mediaEvent,
  PSR_CHANNELS,
  PSR_SAMPLE_RATE,
  type PsrChannel,
  type PsrEvent,
  type PsrEventBase,
  type PsrEventInit,
  type UnknownEvent,
} from './inbound-event.js';
export { type JsonObject, parseJsonObject } from './json-fields.js';
export { type NumberRange, numberProblem } from './number-problem.js';
export {
  CHUNK_FORMATS,
  type ChunkAction,
  type ChunkFormat,
  chunkAction,
  type DecodeActionOptions,
  type DecodedPsrAction,
  decodeAction,
  encodeAction,
  type HangupAction,
  hangupAction,
  type MediaAction,
  mediaAction,
  type PsrAction,
  type TransferAction,
  transferAction,
  type UnknownAction,
} from './outbound-action.js';
export {
  concatPcm,
  HOST_IS_LITTLE_ENDIAN,
  interleaveStereo,
  pcm16FromBytes,
  pcm16ToBytes,
} from './pcm16.js';
export { createPcm16Reader, type Pcm16Reader } from './pcm16-reader.js';
export { PsrkitError } from './psrkit-error.js';
export { VERSION } from './version.js';
export {
  type DecodedWav,
  type DecodeWavOptions,
  decodeWav,
  encodeWav,
  encodeWavHeader,
  type PcmAudio,
  WAV_HEADER_BYTES,
  type WavEncoding,
} from './wav.js';
