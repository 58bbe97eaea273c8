/** What {@link trackSpeech} needs of a frame. */
export interface VoiceFrame {
  /** Where it starts, ms. */
  readonly startMs: number;
  /** Where it ends, ms. */
  readonly endMs: number;
  /** Voice heard in it. */
  readonly voice: boolean;
}

/** How voice becomes words (Asterisk's `minimumWordLength` and `betweenWordsSilence`). */
export interface WordRules {
  /** A voiced run this long is a word, ms. */
  readonly minWordMs: number;
  /** Silence this long ends a word; shorter gaps are inside it, ms. */
  readonly betweenWordsSilenceMs: number;
}

/**
 * Words heard so far, Asterisk-style: a run of voice (gaps shorter than
 * `betweenWordsSilenceMs` inside it) becomes a word once it lasts `minWordMs`. Shorter
 * runs (clicks, crackle) count for nothing.
 */
export interface SpeechTrack {
  /** The first frame's start, ms. */
  readonly startMs: number;
  /** The last frame's end, ms. */
  readonly nowMs: number;
  /** Words so far. */
  readonly words: number;
  /** Voice inside words, ms. */
  readonly voicedMs: number;
  /** Where the first word starts, ms. */
  readonly firstWordMs: number | undefined;
  /** Where the last voice inside a word ends, ms. */
  readonly lastWordEndMs: number | undefined;
  /** The run of voice going on: its start, its voice, and the silence since its last voice. */
  readonly run:
    | { readonly startMs: number; readonly voicedMs: number; readonly word: boolean }
    | undefined;
  /** Silence since the last voice (any voice), ms. */
  readonly gapMs: number;
}

/** The track before the first frame. */
export function startTrack(startMs: number): SpeechTrack {
  return {
    startMs,
    nowMs: startMs,
    words: 0,
    voicedMs: 0,
    firstWordMs: undefined,
    lastWordEndMs: undefined,
    run: undefined,
    gapMs: 0,
  };
}

/** The track after one more frame (pure). */
export function trackSpeech(track: SpeechTrack, frame: VoiceFrame, rules: WordRules): SpeechTrack {
  const ms = frame.endMs - frame.startMs;
  const nowMs = frame.endMs;
  if (!frame.voice) {
    const gapMs = track.gapMs + ms;
    const run = gapMs >= rules.betweenWordsSilenceMs ? undefined : track.run;
    return { ...track, nowMs, gapMs, run };
  }
  const previous = track.run ?? { startMs: frame.startMs, voicedMs: 0, word: false };
  const run = { ...previous, voicedMs: previous.voicedMs + ms };
  if (!run.word && run.voicedMs < rules.minWordMs) return { ...track, nowMs, gapMs: 0, run };
  const becomesWord = !run.word;
  return {
    ...track,
    nowMs,
    gapMs: 0,
    run: { ...run, word: true },
    words: track.words + (becomesWord ? 1 : 0),
    voicedMs: track.voicedMs + (becomesWord ? run.voicedMs : ms),
    firstWordMs: track.firstWordMs ?? run.startMs,
    lastWordEndMs: frame.endMs,
  };
}
