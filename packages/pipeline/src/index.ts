export { numberProblem, PsrkitError } from '@psrkit/protocol';
export type { AudioChunk, AudioFrame, CallSide } from './audio-frame.js';
export {
  type ChunkSource,
  type ChunkSourceOptions,
  type Continuation,
  createChunkSource,
  MP3_FRAME_SAMPLES,
} from './chunk-source.js';
export { encodeMp3 } from './encode-mp3.js';
export { PipelineError, type PipelineErrorCode } from './errors.js';
export { frameMedia } from './frame-media.js';
export { mp3Chunks } from './mp3-chunks.js';
export {
  createMp3Encoder,
  DEFAULT_BITRATE_KBPS,
  lameJsBackend,
  type Mp3Encoder,
  type Mp3EncoderBackend,
  type Mp3EncoderBackendFactory,
  type Mp3EncoderBackendOptions,
  type Mp3EncoderOptions,
  type Mp3Frame,
} from './mp3-encoder.js';
export {
  type Mp3FrameHeader,
  parseMp3FrameHeader,
  splitMp3Frames,
} from './mp3-frame-header.js';
export { pace } from './pace.js';
export { DEFAULT_LEAD_MS, type PacerOptions } from './pacer.js';
export { PcmFifo } from './pcm-fifo.js';
export { createPcmFramer, type PcmFramer, type PcmFramerOptions } from './pcm-framer.js';
export { PlayoutClock } from './playout-clock.js';
export { createPlayoutLine } from './playout-line.js';
export {
  createPlayoutScheduler,
  type PlayoutScheduler,
  type PlayoutSchedulerOptions,
} from './playout-scheduler.js';
export type {
  InterruptReason,
  PlaybackEvent,
  PlaybackHandle,
  PlaybackOutcome,
  PlayMode,
  PlayoutLine,
  PlayoutLineOptions,
  PlayoutSink,
  PlayoutTiming,
} from './playout-types.js';
export { type PsrWav, type PsrWavOptions, preparePsrWav, toPsrWav } from './psr-wav.js';
export { resample } from './resample.js';
export {
  createResampler,
  type Resampler,
  type ResamplerOptions,
  type ResamplerQuality,
} from './resampler.js';
export { sentences } from './sentences.js';
export {
  createSharedTimerScheduler,
  type SharedTimerScheduler,
  type SharedTimerSchedulerOptions,
  type TimerFunctions,
} from './shared-timer-scheduler.js';
export {
  asTextToSpeechV2,
  speakBySentence,
  speechAudio,
  textPieces,
} from './speak-by-sentence.js';
export { speechLike } from './speech-like.js';
export {
  type SpeechToText,
  SttError,
  type SttErrorCode,
  type TranscribeOptions,
  type Transcript,
  type TranscriptTiming,
} from './speech-to-text.js';
export {
  type PcmProcessor,
  resampleFrames,
  StageFailure,
  type StageSpec,
  stageChain,
  stageProcessor,
} from './stage-chain.js';
export {
  type AudioStagePlugin,
  checkStagePlugin,
  createStageRegistry,
  type StageInput,
  type StageOutput,
  type StageRegistry,
} from './stage-plugin.js';
export {
  type AnyTextToSpeech,
  type SpeakOptions,
  type SpeechPiece,
  type TextToSpeech,
  type TextToSpeechV2,
  type TtsCapabilities,
  TtsError,
  type TtsErrorCode,
} from './text-to-speech.js';
export {
  estimateWordTimings,
  type WordTiming,
  wordsHeard,
  wordTimingProblem,
} from './word-timing.js';
export { createWorkQueue, type WorkQueue, type WorkQueueOptions } from './work-queue.js';
