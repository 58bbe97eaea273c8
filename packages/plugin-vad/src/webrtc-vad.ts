import createFvadModule, { type FvadModule } from '@echogarden/fvad-wasm';
import { VadError } from './errors.js';
import type { Vad, VadMode } from './vad.js';

/** Options of {@link createWebRtcVad}. */
export interface WebRtcVadOptions {
  /** Default 3: phone lines are noisy, and a missed onset costs one frame, a false one a barge-in. */
  readonly mode?: VadMode;
  /** 8000 (default), 16000, 32000 or 48000. */
  readonly sampleRate?: number;
}

/**
 * One WebRTC VAD instance: a speech/non-speech decision per 10, 20 or 30 ms frame
 * (`frameSamples` is 20 ms, the length `detectTurns` cuts), answered synchronously.
 */
export interface WebRtcVad extends Vad {
  /** True when the frame (10, 20 or 30 ms of mono PCM16) holds speech. */
  isSpeech(frame: Int16Array): boolean;
}

let module: Promise<FvadModule> | undefined;
/** The WASM module: loaded once per process (56 KB). */
function loadModule(): Promise<FvadModule> {
  module ??= createFvadModule().catch((cause: unknown) => {
    module = undefined;
    throw new VadError(
      'ENGINE_FAILED',
      `the WebRTC VAD did not load: ${(cause as Error).message}`,
      { cause },
    );
  });
  return module;
}

const RATES = [8000, 16000, 32000, 48000];

/** Opens WebRTC VAD instances synchronously (an `OpenVad`). */
export type OpenWebRtcVad = (options?: WebRtcVadOptions) => WebRtcVad;

/** Loads the WASM module once, and returns a function that opens instances on it. */
export async function loadWebRtcVad(): Promise<OpenWebRtcVad> {
  const fvad = await loadModule();
  return (options = {}) => openVad(fvad, options);
}

/**
 * A WebRTC VAD (libfvad in WebAssembly). Instances are cheap (a few hundred bytes of
 * state each): make one per call and side, and `close()` it when the call ends.
 */
export async function createWebRtcVad(options: WebRtcVadOptions = {}): Promise<WebRtcVad> {
  return (await loadWebRtcVad())(options);
}

function openVad(fvad: FvadModule, options: WebRtcVadOptions): WebRtcVad {
  const mode = options.mode ?? 3;
  const sampleRate = options.sampleRate ?? 8000;
  if (![0, 1, 2, 3].includes(mode))
    throw new VadError('INVALID_OPTION', `mode must be 0–3, got ${mode}`);
  if (!RATES.includes(sampleRate))
    throw new VadError(
      'INVALID_OPTION',
      `sampleRate must be one of ${RATES.join(', ')}, got ${sampleRate}`,
    );
  const instance = fvad._fvad_new();
  if (instance === 0) throw new VadError('ENGINE_FAILED', 'fvad_new failed (out of memory)');
  fvad._fvad_set_mode(instance, mode);
  fvad._fvad_set_sample_rate(instance, sampleRate);
  const buffer = fvad._malloc(((sampleRate * 30) / 1000) * 2);
  const lengths = [10, 20, 30].map((ms) => (sampleRate * ms) / 1000);
  let open = true;
  const check = () => {
    if (!open) throw new VadError('CLOSED', 'this VAD was closed');
  };
  return {
    sampleRate,
    frameSamples: lengths[1]!,
    isSpeech(frame) {
      check();
      if (!lengths.includes(frame.length))
        throw new VadError(
          'INVALID_FRAME',
          `a frame must be 10, 20 or 30 ms (${lengths.join(', ')} samples at ${sampleRate} Hz), got ${frame.length}`,
        );
      fvad.HEAP16.set(frame, buffer >> 1);
      const result = fvad._fvad_process(instance, buffer, frame.length);
      if (result < 0) throw new VadError('ENGINE_FAILED', 'fvad_process failed');
      return result === 1;
    },
    reset() {
      check();
      fvad._fvad_reset(instance); // back to libfvad's defaults: mode 0 at 8 kHz
      fvad._fvad_set_mode(instance, mode);
      fvad._fvad_set_sample_rate(instance, sampleRate);
    },
    close() {
      if (!open) return;
      open = false;
      fvad._free(buffer);
      fvad._fvad_free(instance);
    },
  };
}
