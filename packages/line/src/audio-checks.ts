import {
  PipelineError,
  parseMp3FrameHeader as parseHeader,
  splitMp3Frames,
} from '@psrkit/pipeline';
import { decodeWav, isProtocolError, PSR_SAMPLE_RATE } from '@psrkit/protocol';

/** What PSR would object to in an action (beyond `decodeAction`'s JSON checks). */
export type AudioProblemCode =
  /** The `media` payload is not a WAV file we can read. */
  | 'INVALID_WAV'
  /** A readable WAV, but not 16-bit 8000 Hz mono as the contract asks. */
  | 'WAV_FORMAT'
  /** The chunk is not a sequence of MP3 frames. */
  | 'INVALID_MP3'
  /** MP3, but not 8000 Hz mono. */
  | 'MP3_FORMAT'
  /** The chunk ends in the middle of a frame. */
  | 'MP3_PARTIAL_FRAME'
  /** The decoder reported errors for this chunk. */
  | 'MP3_UNDECODABLE'
  /** A `pcm16` chunk with half a sample at its end. */
  | 'ODD_PCM_LENGTH'
  /** An audio action with no audio in it. */
  | 'EMPTY_AUDIO';

/** Something wrong with an action's audio, as PSR would meet it. */
export interface AudioProblem {
  /** What is wrong, as a stable code. */
  readonly code: AudioProblemCode;
  /** What is wrong, for people. */
  readonly message: string;
}

/** A `media` payload: its PCM (as PSR would play it) and what is wrong with it. */
export function inspectWav(payload: Uint8Array): {
  pcm: Int16Array | undefined;
  sampleRate: number;
  channels: number;
  problems: AudioProblem[];
} {
  let wav: ReturnType<typeof decodeWav>;
  try {
    wav = decodeWav(payload);
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    return {
      pcm: undefined,
      sampleRate: 0,
      channels: 0,
      problems: [{ code: 'INVALID_WAV', message: error.message }],
    };
  }
  const problems: AudioProblem[] = [];
  if (wav.encoding !== 'pcm' || wav.bitsPerSample !== 16 || wav.sampleRate !== PSR_SAMPLE_RATE) {
    problems.push({
      code: 'WAV_FORMAT',
      message: `expected 16-bit PCM at 8000 Hz, got ${wav.encoding} ${wav.bitsPerSample}-bit at ${wav.sampleRate} Hz`,
    });
  }
  if (wav.channels !== 1)
    problems.push({ code: 'WAV_FORMAT', message: `expected mono, got ${wav.channels} channels` });
  if (wav.samples.length === 0)
    problems.push({ code: 'EMPTY_AUDIO', message: 'the WAV holds no samples' });
  return { pcm: wav.samples, sampleRate: wav.sampleRate, channels: wav.channels, problems };
}

/** A `chunk` of MP3: its frames, how many 8 kHz samples they play, what is wrong. */
export function inspectMp3(payload: Uint8Array): {
  frames: number;
  samples: number;
  problems: AudioProblem[];
} {
  const problems: AudioProblem[] = [];
  let split: ReturnType<typeof splitMp3Frames>;
  try {
    split = splitMp3Frames(payload);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    return { frames: 0, samples: 0, problems: [{ code: 'INVALID_MP3', message: error.message }] };
  }
  let samples = 0;
  const formats = new Set<string>();
  for (const frame of split.frames) {
    const header = parseHeader(frame);
    samples += (header.samplesPerFrame * PSR_SAMPLE_RATE) / header.sampleRate;
    if (header.sampleRate !== PSR_SAMPLE_RATE || header.channels !== 1)
      formats.add(`${header.sampleRate} Hz ${header.channels === 1 ? 'mono' : 'stereo'}`);
  }
  if (formats.size > 0)
    problems.push({
      code: 'MP3_FORMAT',
      message: `expected 8000 Hz mono frames, got ${[...formats].join(', ')}`,
    });
  if (split.rest > 0)
    problems.push({
      code: 'MP3_PARTIAL_FRAME',
      message: `${split.rest} bytes after the last whole frame (chunks must hold whole frames)`,
    });
  if (split.frames.length === 0 && split.rest === 0)
    problems.push({ code: 'EMPTY_AUDIO', message: 'the chunk holds no MP3 frame' });
  return { frames: split.frames.length, samples: Math.round(samples), problems };
}
