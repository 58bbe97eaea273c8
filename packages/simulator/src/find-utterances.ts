/** A stretch of speech in a recording, ms from its start. */
export interface Utterance {
  /** Where it starts, ms. */
  readonly startMs: number;
  /** Where it ends, ms. */
  readonly endMs: number;
}

/** Options of {@link findUtterances}: framing and the loudness that counts as speech. */
export interface FindUtterancesOptions {
  /** Frame length, ms (default 20). */
  readonly frameMs?: number;
  /** A frame is voiced when it is louder than this, dBFS, and within `rangeDb` of the loudest frame (default −45). */
  readonly floorDb?: number;
  /** (default 30 dB) */
  readonly rangeDb?: number;
  /** Silence that ends an utterance, ms (default 600: a sentence break is not a turn end). */
  readonly hangoverMs?: number;
  /** Shorter voiced stretches are clicks, not speech, ms (default 60). */
  readonly minSpeechMs?: number;
}

/**
 * Finds the utterances in clean 8 kHz speech by frame energy — enough to time a
 * scripted caller (it is not a VAD for real calls).
 */
export function findUtterances(
  samples: Int16Array,
  options: FindUtterancesOptions = {},
  sampleRate = 8000,
): Utterance[] {
  const frameMs = options.frameMs ?? 20;
  const frame = Math.round((sampleRate * frameMs) / 1000);
  const levels: number[] = [];
  for (let at = 0; at + frame <= samples.length; at += frame) {
    let sum = 0;
    for (let i = at; i < at + frame; i++) sum += samples[i]! * samples[i]!;
    levels.push(10 * Math.log10(sum / frame / 32768 ** 2 + 1e-12));
  }
  const loudest = Math.max(-120, ...levels);
  const threshold = Math.max(options.floorDb ?? -45, loudest - (options.rangeDb ?? 30));
  const hangover = Math.ceil((options.hangoverMs ?? 600) / frameMs);
  const minFrames = Math.ceil((options.minSpeechMs ?? 60) / frameMs);
  const found: Utterance[] = [];
  let start = -1;
  let lastVoiced = -1;
  const close = () => {
    if (start >= 0 && lastVoiced - start + 1 >= minFrames)
      found.push({ startMs: start * frameMs, endMs: (lastVoiced + 1) * frameMs });
    start = -1;
  };
  levels.forEach((level, i) => {
    if (level >= threshold) {
      if (start < 0) start = i;
      lastVoiced = i;
    } else if (start >= 0 && i - lastVoiced >= hangover) close();
  });
  close();
  return found;
}
