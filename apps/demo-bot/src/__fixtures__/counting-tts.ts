import type { TextToSpeech } from '@psrkit/pipeline';
import { of } from 'rxjs';

/** A TTS that says a 100 ms tone for any text and remembers every text it was asked for. */
export function countingTts(): { tts: TextToSpeech; texts: string[] } {
  const texts: string[] = [];
  const tone = Int16Array.from({ length: 800 }, (_, i) => Math.round(6000 * Math.sin(i / 3)));
  const tts: TextToSpeech = {
    specificationVersion: 1,
    name: 'counting',
    sampleRate: 8000,
    voices: ['en-us', 'vi'],
    synthesize: (text) => {
      texts.push(text);
      return of(tone);
    },
  };
  return { tts, texts };
}
