import type { WordRules } from './speech-track.js';
import type { Beep, TimelineSegment } from './verdict.js';

/** Most segments a verdict carries. */
export const MAX_SEGMENTS = 200;

type Mutable = { -readonly [K in keyof TimelineSegment]: TimelineSegment[K] };

/**
 * The answer's speech, silence and beeps, frame by frame. A snapshot merges the frames
 * into segments and smooths them the way words are counted: speech shorter than
 * `minWordMs` is silence, silence shorter than `betweenWordsSilenceMs` between speech is
 * speech; frames inside a beep are `tone`.
 */
export class Timeline {
  private readonly frames: { voice: boolean; startMs: number; endMs: number }[] = [];
  private readonly beeps: Beep[] = [];

  /** Adds a frame. */
  push(voice: boolean, startMs: number, endMs: number): void {
    this.frames.push({ voice, startMs, endMs });
  }

  /** Marks a beep (its frames become `tone`). */
  addBeep(beep: Beep): void {
    this.beeps.push(beep);
  }

  /** The segments so far (at most {@link MAX_SEGMENTS}). */
  snapshot(rules: WordRules): TimelineSegment[] {
    const raw: Mutable[] = [];
    for (const frame of this.frames) {
      const tone = this.beeps.some((b) => frame.startMs >= b.startMs && frame.endMs <= b.endMs);
      append(raw, { type: tone ? 'tone' : frame.voice ? 'speech' : 'silence', ...frame });
    }
    const smooth: Mutable[] = [];
    raw.forEach((segment, i) => {
      const ms = segment.endMs - segment.startMs;
      const between = raw[i - 1]?.type === 'speech' && raw[i + 1]?.type === 'speech';
      if (segment.type === 'speech' && ms < rules.minWordMs)
        append(smooth, { ...segment, type: 'silence' });
      else if (segment.type === 'silence' && between && ms < rules.betweenWordsSilenceMs)
        append(smooth, { ...segment, type: 'speech' });
      else append(smooth, segment);
    });
    return smooth.slice(0, MAX_SEGMENTS);
  }
}

function append(segments: Mutable[], segment: TimelineSegment): void {
  const last = segments.at(-1);
  if (last && last.type === segment.type) last.endMs = segment.endMs;
  else segments.push({ type: segment.type, startMs: segment.startMs, endMs: segment.endMs });
}
