import { PipelineError } from '@psrkit/pipeline';
import type { PsrAction } from '@psrkit/protocol';
import { type AudioProblem, inspectMp3, inspectWav } from './audio-checks.js';
import type { EmulatedLine } from './emulated-line.js';
import { toMono8k } from './to-mono-8k.js';

/** What playing one action did: the audio it put on the line, and what PSR would object to. */
export interface PlayedAction {
  /** 8 kHz samples of audio the action carried (0 for `transfer` and `hangup`). */
  readonly samples: number;
  /** What is wrong with that audio, if anything. */
  readonly problems: readonly AudioProblem[];
}

/**
 * Plays one bot action on the line as PSR would, at `at` (samples on the call's clock): a
 * `media` file (queued after what plays, or cutting it), a `chunk` of MP3 or PCM (decoded
 * in order), or the end of the line (`transfer`, `hangup`). The one dispatch the emulator
 * and the server's recorder share; audio that cannot play is reported, never thrown.
 */
export async function playAction(
  line: EmulatedLine,
  action: PsrAction,
  at: number,
): Promise<PlayedAction> {
  switch (action.type) {
    case 'media': {
      const wav = inspectWav(action.payload);
      const problems = [...wav.problems];
      let pcm: Int16Array = new Int16Array(0);
      try {
        if (wav.pcm) pcm = toMono8k(wav.pcm, wav.sampleRate, wav.channels);
      } catch (error) {
        if (!(error instanceof PipelineError)) throw error;
        problems.push({ code: 'WAV_FORMAT', message: `cannot play audio at ${wav.sampleRate} Hz` });
      }
      line.playFile(pcm, action.isSync, at);
      return { samples: pcm.length, problems };
    }
    case 'chunk': {
      const problems: AudioProblem[] = [];
      let samples: number;
      if (action.format === 'mp3') {
        const mp3 = inspectMp3(action.payload);
        problems.push(...mp3.problems);
        samples = mp3.samples;
      } else {
        samples = action.payload.length >> 1;
        if (action.payload.length % 2 === 1)
          problems.push({
            code: 'ODD_PCM_LENGTH',
            message: 'pcm16 chunk with an odd number of bytes',
          });
        if (samples === 0) problems.push({ code: 'EMPTY_AUDIO', message: 'empty pcm16 chunk' });
      }
      problems.push(...(await line.playChunk(action.format, action.payload, samples, at)));
      return { samples, problems };
    }
    case 'transfer':
    case 'hangup':
      line.stop(at, action.type);
      return { samples: 0, problems: [] };
  }
}
