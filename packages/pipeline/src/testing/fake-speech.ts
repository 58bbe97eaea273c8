/** A character of a test engine's speech and its samples. */
export interface FakeChar {
  /** The character. */
  readonly char: string;
  /** Its audio: `msPerChar` of tone, or of silence for white space. */
  readonly samples: Int16Array;
}

/**
 * Speech as test engines and the plugins' local fakes make it: a 440 Hz tone for each
 * character that is not white space, silence for each that is, `msPerChar` each — so each character's time is known exactly.
 */
export function fakeSpeech(text: string, sampleRate: number, msPerChar: number): FakeChar[] {
  const length = Math.round((msPerChar * sampleRate) / 1000);
  return Array.from(text, (char) => {
    const samples = new Int16Array(length);
    if (!/\s/.test(char))
      for (let i = 0; i < length; i++)
        samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
    return { char, samples };
  });
}
