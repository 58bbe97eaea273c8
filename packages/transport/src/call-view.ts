import type { PlaybackHandle, PlaybackOutcome, PlayoutLine } from '@psrkit/pipeline';
import {
  type ConnectionQuery,
  checkExtension,
  hangupAction,
  transferAction,
} from '@psrkit/protocol';
import { filter, of } from 'rxjs';
import type { CallEnding } from './call-ending.js';
import type { CallInbound } from './call-inbound.js';
import type { CallOutputs } from './call-outputs.js';
import type { CallResult } from './call-result.js';
import type { CallStageState } from './call-stages.js';
import type { CallStats } from './call-stats.js';
import { type CallTrace, traceCall } from './call-trace.js';
import type { Call } from './call-types.js';
import { callerAudio } from './caller-audio.js';
import { remoteSideOf } from './remote-side.js';

/** The parts of a call its bot reaches through the {@link Call} it is given. */
export interface CallViewParts {
  readonly query: ConnectionQuery;
  readonly outputs: CallOutputs;
  readonly inbound: CallInbound;
  readonly line: PlayoutLine;
  readonly stages: CallStageState;
  readonly ending: CallEnding;
  readonly result: CallResult;
  readonly stats: CallStats;
}

/**
 * The {@link Call} a bot is given: its query, its streams, and methods that go to the part
 * that handles them (playout, stages, results, ending); traced from here on.
 */
export function callView(parts: CallViewParts): Call {
  const { query, outputs, inbound, line, stages, ending, result } = parts;
  let callTrace: CallTrace; // set right below: it follows the call's own events
  const call: Call = {
    id: query.callId,
    tenant: query.tenant,
    params: query.params,
    paramValues: query.paramValues,
    get channel() {
      return inbound.channel;
    },
    get state() {
      return ending.state;
    },
    events$: outputs.events.asObservable(),
    actionsSent$: outputs.sent.asObservable(),
    audio$: outputs.audio.asObservable(),
    get remoteSide() {
      return remoteSideOf(inbound.channel, inbound.stereoRemoteSide);
    },
    audio: ({ channel: side = 'remote', ...rest } = {}) =>
      outputs.audio.pipe(
        filter(
          (frame) =>
            side === 'both' || frame.channel === (side === 'remote' ? call.remoteSide : side),
        ),
        callerAudio(rest),
      ),
    closed: outputs.closed,
    signal: outputs.abort.signal,
    get trace() {
      return callTrace;
    },
    stats: parts.stats,
    play(wav, playOptions = {}) {
      if (ending.state !== 'open') return closedHandle(playOptions.id ?? 'closed');
      return line.play(wav, playOptions);
    },
    stream(pcm$, streamOptions) {
      if (ending.state !== 'open') return closedHandle(streamOptions.id ?? 'closed');
      return line.stream(pcm$, streamOptions);
    },
    interrupt: () => line.interrupt(),
    pauseSpeech: () => line.pause(),
    resumeSpeech: () => line.resume(),
    get speechPaused() {
      return line.paused;
    },
    addStages: (more) => stages.add(more),
    get speaking() {
      return line.busy;
    },
    result: result.fields,
    setResult(fields) {
      const stored = result.set(fields);
      if (ending.state !== 'closed' && Object.keys(stored).length > 0)
        outputs.events.next({ type: 'result-set', fields: stored });
    },
    transfer: (extension) => ending.finish(transferAction(checkExtension(extension, 'extension'))),
    hangup: () => ending.finish(hangupAction()),
  };
  callTrace = traceCall(call);
  return call;
}

/** What `play` and `stream` hand back once the call is no longer open: an item that ended unheard. */
function closedHandle(id: string): PlaybackHandle {
  const outcome: PlaybackOutcome = {
    type: 'playback-interrupted',
    id,
    playedMs: 0,
    heardMs: 0,
    reason: 'closed',
  };
  return {
    id,
    events$: of(outcome),
    playedMs: 0,
    done: Promise.resolve(outcome),
    interrupt() {},
  };
}
