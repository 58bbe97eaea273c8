/**
 * Deterministic speech-like audio: a gliding harmonic voice (pitch 100–180 Hz, formants
 * near 700 and 1800 Hz) shaped by syllable-rate envelopes, with short pauses. A voice
 * with no speech engine and no licence attached: for load tests (the reference server's
 * load-test bot talks with it), benchmarks, and trying a pipeline; it costs the MP3
 * encoder what a real voice does.
 */
export function speechLike(sampleRate: number, seconds: number, seed = 1): Int16Array {
  const out = new Int16Array(Math.round(sampleRate * seconds));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    const pitch = 140 + 40 * Math.sin(2 * Math.PI * 0.7 * t + seed);
    phase += (2 * Math.PI * pitch) / sampleRate;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 3.1 * t + seed)) ** 1.5;
    let value = 0;
    for (let h = 1; h <= 12; h++) {
      const formant =
        Math.exp(-(((h * pitch - 700) / 500) ** 2)) +
        0.5 * Math.exp(-(((h * pitch - 1800) / 700) ** 2));
      value += (formant / h ** 0.5) * Math.sin(h * phase);
    }
    out[i] = Math.round(9000 * syllable * value);
  }
  return out;
}
