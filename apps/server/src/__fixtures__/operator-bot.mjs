// A bot that says nothing until an operator tells it to (the call control tests), with a
// TTS that speaks 100 ms of tone per character.
import { of } from 'rxjs';

export default async (call) => {
  await call.closed;
};

const tone = (ms) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * 550 * i) / 8000));

export const tts = () => ({
  specificationVersion: 1,
  name: 'tone',
  sampleRate: 8000,
  voices: [],
  synthesize: (text) => of(tone(100 * text.length)),
});
