import createEspeakModule, { type ESpeakNGWorker } from '@echogarden/espeak-ng-emscripten';
import type { TextToSpeech } from '@psrkit/pipeline';
import { numberProblem, PsrkitError } from '@psrkit/pipeline';
import { Observable } from 'rxjs';

/** Stable codes of {@link EspeakError}. */
export type EspeakErrorCode = 'UNKNOWN_VOICE' | 'INVALID_OPTION' | 'ENGINE_FAILED';

/** The eSpeak NG plugin refused its input or the engine failed. */
export class EspeakError extends PsrkitError<EspeakErrorCode> {
  /** Always `EspeakError`. */
  override readonly name = 'EspeakError';

  constructor(code: EspeakErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** Options of {@link createEspeakTts}. */
export interface EspeakTtsOptions {
  /** Default voice: an alias (`en-us`, `en`, `vi`) or an eSpeak identifier (`gmw/en-US`). Default `en-us`. */
  readonly voice?: string;
  /** Words per minute, 80–450 (default 165). */
  readonly rate?: number;
  /** Pitch, 0–99 (default 50). */
  readonly pitch?: number;
}

/** Short names for the voices bots on Vietnamese and English lines use most. */
const ALIASES: Readonly<Record<string, string>> = {
  en: 'gmw/en-US',
  'en-us': 'gmw/en-US',
  'en-gb': 'gmw/en',
  vi: 'aav/vi',
  'vi-vn': 'aav/vi',
  'vi-central': 'aav/vi-VN-x-central',
  'vi-south': 'aav/vi-VN-x-south',
};

let engine: Promise<ESpeakNGWorker> | undefined;
/** The WASM engine: loaded once per process, on first use (~25 MB of voice data). */
function loadEngine(): Promise<ESpeakNGWorker> {
  engine ??= createEspeakModule().then(
    (module) => new module.eSpeakNGWorker(),
    (cause: unknown) => {
      engine = undefined;
      throw new EspeakError(
        'ENGINE_FAILED',
        `eSpeak NG did not load: ${(cause as Error).message}`,
        { cause },
      );
    },
  );
  return engine;
}

/** Sentences (and clauses of long ones), so the first audio comes before the whole text is done. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;:…])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function checkRange(value: number, name: string, min: number, max: number): number {
  const problem = numberProblem(value, { min, max });
  if (problem) throw new EspeakError('INVALID_OPTION', `${name}: ${problem}`);
  return value;
}

/**
 * Text-to-speech on eSpeak NG (WebAssembly): synthesises sentence by sentence, yielding
 * to the event loop between sentences, and emits PCM at 22 050 Hz as the engine
 * produces it. Unsubscribing stops after the current sentence piece (barge-in).
 *
 * @example
 * ```ts
 * const tts = await createEspeakTts({ voice: 'vi' });
 * call.stream(tts.synthesize('Xin chào anh.'), { sampleRate: tts.sampleRate });
 * ```
 */
export async function createEspeakTts(options: EspeakTtsOptions = {}): Promise<TextToSpeech> {
  const rate = checkRange(options.rate ?? 165, 'rate', 80, 450);
  const pitch = checkRange(options.pitch ?? 50, 'pitch', 0, 99);
  const worker = await loadEngine();
  const identifiers = worker.list_voices().map((v) => v.identifier);
  const resolveVoice = (name: string): string => {
    const id = ALIASES[name.toLowerCase()] ?? name;
    if (!identifiers.includes(id))
      throw new EspeakError(
        'UNKNOWN_VOICE',
        `no eSpeak NG voice ${JSON.stringify(name)} (try en-us, vi, or one of voices)`,
      );
    return id;
  };
  const defaultVoice = resolveVoice(options.voice ?? 'en-us');

  return {
    specificationVersion: 1,
    name: 'espeak',
    sampleRate: worker.samplerate,
    voices: [...Object.keys(ALIASES), ...identifiers],
    synthesize(text, synthOptions = {}) {
      return new Observable<Int16Array>((subscriber) => {
        let voice: string;
        try {
          voice =
            synthOptions.voice === undefined ? defaultVoice : resolveVoice(synthOptions.voice);
        } catch (error) {
          subscriber.error(error);
          return;
        }
        const sentences = splitSentences(text);
        let timer: NodeJS.Immediate | undefined;
        const next = (index: number): void => {
          if (subscriber.closed) return;
          if (index >= sentences.length) {
            subscriber.complete();
            return;
          }
          try {
            // The engine is shared by every call in the process: set everything per sentence.
            if (worker.set_voice(voice) !== 0) throw new Error(`set_voice(${voice}) failed`);
            worker.rate = rate;
            worker.pitch = pitch;
            worker.synthesize(sentences[index]!, (samples) => {
              if (!subscriber.closed && samples.length > 0) subscriber.next(samples);
            });
          } catch (cause) {
            subscriber.error(
              new EspeakError(
                'ENGINE_FAILED',
                `eSpeak NG failed on sentence ${index + 1}: ${(cause as Error).message}`,
                {
                  cause,
                },
              ),
            );
            return;
          }
          timer = setImmediate(next, index + 1);
        };
        timer = setImmediate(next, 0);
        return () => {
          if (timer) clearImmediate(timer);
        };
      });
    },
  };
}
