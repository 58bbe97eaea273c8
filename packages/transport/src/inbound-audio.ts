import { type AudioFrame, createPcmFramer, type PcmFramer } from '@psrkit/pipeline';
import type { PsrChannel } from '@psrkit/protocol';
import type { SchedulerLike } from 'rxjs';
import type { CallStats, StatsUpdate } from './call-stats.js';
import type { CallOptions } from './call-types.js';
import type { TransportLogger } from './logger.js';
import type { PeerReports } from './peer-reports.js';

/** The caller's audio on its way in: before PSR said its layout, then framed for that layout. */
export type InboundAudioState =
  | { readonly phase: 'unknown' }
  | {
      readonly phase: 'framing';
      readonly channel: PsrChannel;
      readonly framer: PcmFramer;
      /** Sides a `media` payload carries: 2 for stereo. */
      readonly sides: 1 | 2;
    };

/** The state once the layout is known. */
type Framing = Extract<InboundAudioState, { readonly phase: 'framing' }>;

/** What the inbound audio is bounded by, reads and hands its frames to. */
export interface InboundAudioPorts {
  readonly options: Pick<CallOptions, 'frameMs' | 'stereoOrder'>;
  /** Most samples (per side) one `media` frame may carry. */
  readonly maxFrameSamples: number;
  /** Most caller audio ahead of real time, ms. */
  readonly maxAheadMs: number;
  readonly scheduler: SchedulerLike;
  /** The call's own stats (read for the audio received so far). */
  readonly stats: CallStats;
  readonly count: (update: StatsUpdate) => void;
  readonly logger: TransportLogger;
  readonly reports: PeerReports;
  /** Where the caller's audio goes, a frame at a time. */
  readonly toBot: (frame: AudioFrame) => void;
}

/**
 * The caller's audio of one call: frames each `media` payload for the layout PSR said
 * (a new framer when it changes), refuses a frame that is too long or too far ahead of
 * real time, and hands the frames to the bot. A class: the framer and the time audio
 * started are its state, and media, layout and flush are three ways in.
 */
export class InboundAudio {
  private state: InboundAudioState = { phase: 'unknown' };
  /** When the first media frame came. */
  private startedAt: number | undefined;

  constructor(private readonly ports: InboundAudioPorts) {}

  /** The channel layout PSR announced, once it has. */
  get channel(): PsrChannel | undefined {
    return this.state.phase === 'framing' ? this.state.channel : undefined;
  }

  /** Frames from now on for `next`; a change of layout flushes what the old framer held. */
  useChannel(next: PsrChannel): Framing {
    const state = this.state;
    if (state.phase === 'framing' && state.channel === next) return state;
    if (state.phase === 'framing')
      this.ports.logger.warn({ from: state.channel, to: next }, 'channel layout changed mid-call');
    this.flush();
    const { options } = this.ports;
    const framer = createPcmFramer({
      layout: next,
      ...(options.frameMs !== undefined && { frameMs: options.frameMs }),
      ...(options.stereoOrder && { stereoOrder: options.stereoOrder }),
    });
    const framing: Framing = {
      phase: 'framing',
      channel: next,
      framer,
      sides: next === 'stereo' ? 2 : 1,
    };
    this.state = framing;
    return framing;
  }

  /** One `media` frame's audio (`data` is the frame, for a refusal's excerpt). */
  receive(data: string, channel: PsrChannel, pcm: Int16Array): void {
    const state = this.useChannel(channel);
    const { maxFrameSamples, maxAheadMs, reports, scheduler } = this.ports;
    const samples = pcm.length / state.sides; // per side
    if (samples > maxFrameSamples) {
      reports.refuse(
        'MEDIA_TOO_LONG',
        `a media frame of ${samples / 8} ms of audio; PSR sends 20 ms pieces, at most ${maxFrameSamples / 8} ms are taken`,
        data,
        '$.media.payload',
      );
      return;
    }
    const now = scheduler.now();
    this.startedAt ??= now;
    if ((this.ports.stats.samplesIn + samples) / 8 - (now - this.startedAt) > maxAheadMs) {
      reports.refuse(
        'AUDIO_AHEAD',
        `caller audio more than ${maxAheadMs} ms ahead of real time: dropped`,
        data,
        '$.media.payload',
      );
      return;
    }
    this.ports.count((s) => {
      s.samplesIn += samples;
    });
    for (const frame of state.framer.push(pcm)) this.ports.toBot(frame);
  }

  /** Hands the audio still held in the framer to the bot (at a layout change, at the call's end). */
  flush(): void {
    if (this.state.phase === 'framing')
      for (const frame of this.state.framer.flush()) this.ports.toBot(frame);
  }
}
