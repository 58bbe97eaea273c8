import { pcm16FromBytes } from '@psrkit/protocol';
import type { AudioProblem } from './audio-checks.js';
import { createMp3Decoder, type Mp3Decoder } from './mp3-decoding.js';
import { PcmTape } from './pcm-tape.js';

/**
 * How the emulated PSR decodes MP3 chunks: one decoder per chunk stream (`stream`,
 * default), a fresh decoder state per chunk (`independent`), or not at all (`none`:
 * durations from frame headers only, for load runs).
 */
export type DecodeMode = 'stream' | 'independent' | 'none';

/** Bot audio on the line, ms from the call's start. */
export interface LineInterval {
  /** Where the audio starts, ms. */
  readonly startMs: number;
  /** Where it ends, ms. */
  readonly endMs: number;
  /** `prompt`: audio PSR plays itself (create-stream's `audio_file`), not the bot's. */
  readonly kind: 'file' | 'stream' | 'prompt';
}

/** Options of {@link EmulatedLine}. */
export interface EmulatedLineOptions {
  /** How MP3 chunks are decoded (default `stream`). */
  readonly decode?: DecodeMode;
  /** A chunk arriving later than this after the stream's end starts a new stream (default 1000 ms). */
  readonly streamGapMs?: number;
  /**
   * Whether a `media` with `is_sync: false` also cuts a chunk stream that is playing
   * (default true). PSR's pages do not say; with `false` the file plays at once over what
   * is left of the stream (both heard, recorded in `talkOver`), as a PSR with two players
   * would.
   */
  readonly mediaCutsStream?: boolean;
}

const RATE = 8; // samples per ms

/**
 * PSR's playout line, emulated: one line where `media` files queue (`is_sync: true`)
 * or cut what plays (`false`, chunk streams included), and `chunk`s append to the
 * stream in order. Positions are samples at 8 kHz on the call's own clock; the line
 * records what the caller heard, gaps in chunk streams (underruns) and audio cut off.
 */
export class EmulatedLine {
  /** Gaps inside a chunk stream: the line ran dry before the next chunk came. */
  readonly underruns: { atMs: number; gapMs: number }[] = [];
  /** Audio already sent that never played because something cut it. */
  readonly cuts: { atMs: number; cutMs: number; by: 'media' | 'hangup' | 'transfer' }[] = [];
  /**
   * The margin of each chunk that continued a stream: audio still queued at the caller
   * when it arrived, ms (a chunk that comes when less is left runs the line close to dry).
   */
  readonly margins: number[] = [];
  /** A file that played over stream audio still queued (only when `mediaCutsStream` is false). */
  readonly talkOver: { atMs: number; overlapMs: number }[] = [];
  private readonly tape = new PcmTape();
  private readonly intervals: {
    kind: LineInterval['kind'];
    start: number;
    end: number;
    cut?: boolean;
  }[] = [];
  private readonly mode: DecodeMode;
  private readonly streamGap: number;
  private readonly mediaCutsStream: boolean;
  private cursor = 0;
  private stream: { writeAt: number } | undefined;
  private decoder: Mp3Decoder | undefined;

  constructor(options: EmulatedLineOptions = {}) {
    this.mode = options.decode ?? 'stream';
    this.streamGap = (options.streamGapMs ?? 1000) * RATE;
    this.mediaCutsStream = options.mediaCutsStream ?? true;
  }

  /** A `media` file arrived at sample `at` (or PSR plays a `prompt` of its own). */
  playFile(pcm: Int16Array, isSync: boolean, at: number, kind: 'file' | 'prompt' = 'file'): void {
    if (!isSync && !this.mediaCutsStream && this.stream && this.cursor > at) {
      // The stream is not cut: the file starts now, over the rest of it.
      const overlap = Math.min(this.cursor, at + pcm.length) - at;
      if (overlap >= 20 * RATE) this.talkOver.push({ atMs: at / RATE, overlapMs: overlap / RATE });
      this.stream = undefined;
      this.tape.mix(at, pcm);
      this.place(kind, at, at + pcm.length);
      return;
    }
    if (!isSync) this.cut(at, 'media');
    this.stream = undefined;
    const start = Math.max(at, this.cursor);
    this.tape.write(start, pcm);
    this.place(kind, start, start + pcm.length);
  }

  /**
   * A `chunk` arrived at sample `at`. `samples` is its nominal length (from its frame
   * headers, or its PCM). Returns decoding problems.
   */
  async playChunk(
    format: 'mp3' | 'pcm16',
    payload: Uint8Array,
    samples: number,
    at: number,
  ): Promise<AudioProblem[]> {
    const continuing = this.stream !== undefined && at - this.cursor <= this.streamGap;
    const start = Math.max(at, this.cursor);
    if (continuing) this.margins.push(Math.max(0, this.cursor - at) / RATE);
    if (continuing && at > this.cursor) {
      this.underruns.push({ atMs: this.cursor / RATE, gapMs: (at - this.cursor) / RATE });
      this.stream!.writeAt += at - this.cursor;
    }
    if (!continuing) this.stream = { writeAt: start };
    const stream = this.stream!;
    const problems: AudioProblem[] = [];
    if (format === 'pcm16') {
      this.tape.write(start, pcm16FromBytes(payload.subarray(0, payload.length & ~1)));
    } else if (this.mode !== 'none') {
      const decoder = await this.mp3Decoder(!continuing || this.mode === 'independent');
      const decoded = decoder.decode(payload);
      if (decoded.errors > 0)
        problems.push({
          code: 'MP3_UNDECODABLE',
          message: `the decoder failed on ${decoded.errors} frame(s) of this chunk`,
        });
      // One decoder per stream writes its output back to back; decoded lengths can lag
      // the nominal ones by the decoder's delay, so follow the decoder, not the headers.
      this.tape.write(this.mode === 'stream' ? stream.writeAt : start, decoded.pcm);
      stream.writeAt += decoded.pcm.length;
    }
    if (format === 'pcm16' || this.mode !== 'stream') stream.writeAt = start + samples;
    this.place('stream', start, start + samples);
    return problems;
  }

  /** `hangup`/`transfer` at sample `at`: whatever plays stops. */
  stop(at: number, by: 'hangup' | 'transfer'): void {
    this.cut(at, by);
    this.stream = undefined;
  }

  /** What the caller heard, from the start to `end` samples (default: all). */
  heard(end = Math.max(this.tape.length, this.cursor)): Int16Array {
    return this.tape.read(0, end);
  }

  /** [from, from + count) of what the caller hears (the `b` side of a stereo call). */
  read(from: number, count: number): Int16Array {
    return this.tape.read(from, count);
  }

  /** Where the scheduled bot audio ends, in samples. */
  get endSample(): number {
    return this.cursor;
  }

  /** Bot audio on the line, merged where contiguous (but not across a cut). */
  botAudio(): LineInterval[] {
    const merged: LineInterval[] = [];
    let joinable = false;
    for (const { kind, start, end, cut } of this.intervals) {
      if (end <= start) continue;
      const last = merged.at(-1);
      if (joinable && last && last.endMs === start / RATE && last.kind === kind)
        merged[merged.length - 1] = { ...last, endMs: end / RATE };
      else merged.push({ kind, startMs: start / RATE, endMs: end / RATE });
      joinable = !cut;
    }
    return merged;
  }

  /** Frees the decoder. */
  close(): void {
    this.decoder?.free();
    this.decoder = undefined;
  }

  private place(kind: LineInterval['kind'], start: number, end: number): void {
    this.intervals.push({ kind, start, end });
    this.cursor = Math.max(this.cursor, end);
  }

  private cut(at: number, by: 'media' | 'hangup' | 'transfer'): void {
    if (this.cursor <= at) return;
    // Under one media piece (20 ms) is the two sides' clocks disagreeing, not lost audio.
    if (this.cursor - at >= 20 * RATE)
      this.cuts.push({ atMs: at / RATE, cutMs: (this.cursor - at) / RATE, by });
    this.tape.clear(at, Math.max(this.cursor, this.tape.length));
    for (const interval of this.intervals)
      if (interval.end > at) {
        interval.end = Math.max(interval.start, at);
        interval.cut = true;
      }
    this.cursor = at;
  }

  private async mp3Decoder(fresh: boolean): Promise<Mp3Decoder> {
    if (!this.decoder) this.decoder = await createMp3Decoder();
    else if (fresh) await this.decoder.reset();
    return this.decoder;
  }
}
