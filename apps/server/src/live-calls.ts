import type { AnyTextToSpeech } from '@psrkit/pipeline';
import type { PsrAction } from '@psrkit/protocol';
import type { Call, CallEvent, PsrServer } from '@psrkit/transport';
import {
  CALL_LOG_LENGTH,
  type CallCommand,
  type CallDirectory,
  type CallLogEntry,
  type CommandResult,
  callKey,
  type LiveCall,
} from './call-directory.js';
import { runCommand } from './run-call-command.js';

/** How often a live call's figures (level, frames, actions) are sent to the directory. */
export const LIVE_UPDATE_MS = 1000;
const LEVEL_FRAMES = 10; // 200 ms of 20 ms frames

export interface PublishCallsOptions {
  /** The TTS that `say` speaks with (the bot module's), if any. */
  readonly tts: () => AnyTextToSpeech | undefined;
}

/** A call this server holds, as the directory is kept told of it. */
interface TrackedCall {
  /** The call as the directory lists it now. */
  readonly view: () => LiveCall;
  /** Something changed that waits for the next periodic update (level, frames, chunks). */
  dirty: boolean;
}

/**
 * Puts every call of this server in the directory and keeps it current: state, whether
 * the bot speaks, the remote party's level, frames and actions so far, an event log; and
 * runs the directory's commands on it (hangup, transfer, say). Calls are known by tenant
 * and id. Returns how to attach a call's recording once it is on disk (given the call the
 * server opened), and how to stop.
 */
export function publishCalls(
  server: PsrServer,
  directory: CallDirectory,
  { tts }: PublishCallsOptions,
): { recorded(call: Call, file: string): void; close(): void } {
  const tracked = new Map<string, TrackedCall>(); // by call key
  // The last view of each ended call, whose recording may follow (by the call itself: a
  // replaced call and the one that replaced it share a key).
  const ended = new WeakMap<Call, LiveCall>();

  server.on('call-open', (call) => {
    const key = callKey(call);
    const entry = trackCall(call, directory, (command) =>
      runCommand(call, command, tts, () => {
        entry.dirty = true;
      }),
    );
    tracked.set(key, entry);
    void call.closed.then((end) => {
      // A call replaced by a newer one with the same id leaves the newer one tracked.
      if (tracked.get(key) === entry) tracked.delete(key);
      const last: LiveCall = {
        ...entry.view(),
        state: 'closed',
        botSpeaking: false,
        end: { reason: end.reason, durationMs: Math.round(end.durationMs), at: Date.now() },
      };
      ended.set(call, last);
      directory.update(last);
    });
  });

  const timer = setInterval(() => {
    for (const entry of tracked.values()) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      directory.update(entry.view());
    }
  }, LIVE_UPDATE_MS);
  timer.unref();
  return {
    recorded(call, file) {
      const last = ended.get(call);
      if (last) directory.update({ ...last, recording: file });
    },
    close() {
      clearInterval(timer);
    },
  };
}

/**
 * Follows one call: its level, its events and actions (in its log), and registers it with
 * the directory, whose commands go to `run`.
 */
function trackCall(
  call: Call,
  directory: CallDirectory,
  run: (command: CallCommand) => Promise<CommandResult>,
): TrackedCall {
  const startedAt = Date.now();
  const log: CallLogEntry[] = [];
  const level = new CallerLevel();
  const note = (event: string, detail?: string) => {
    log.push({ atMs: Date.now() - startedAt, event, ...(detail !== undefined && { detail }) });
    if (log.length > CALL_LOG_LENGTH) log.shift();
  };
  const campaign = campaignOf(call.params);
  const entry: TrackedCall = {
    view: () => ({
      id: call.id,
      tenant: call.tenant,
      pid: process.pid,
      startedAt,
      state: call.state,
      botSpeaking: call.speaking,
      callerLevelDbfs: level.dbfs(),
      framesIn: call.stats.framesIn,
      actionsSent: Object.values(call.stats.actionsSent).reduce((a, b) => a + b, 0),
      log: [...log],
      ...(campaign && { campaign }),
      ...answeredByOf(call.result),
    }),
    dirty: false,
  };
  const publishNow = () => {
    entry.dirty = false;
    directory.update(entry.view());
  };
  call.audio().subscribe((frame) => {
    level.add(frame.samples);
    entry.dirty = true;
  });
  call.events$.subscribe((event) => {
    const line = logLine(event);
    if (!line) return;
    note(line.event, line.detail);
    if (event.type !== 'call-closed') publishNow();
  });
  call.actionsSent$.subscribe(({ action }) => {
    if (action.type === 'chunk') {
      entry.dirty = true;
      return;
    }
    note(`action ${action.type}`, actionDetail(action));
    publishNow();
  });
  directory.register(entry.view(), (command, by) => {
    note(`command ${command.type}`, `by ${by}`);
    publishNow();
    return run(command);
  });
  return entry;
}

/** The remote party's level over its last {@link LEVEL_FRAMES} frames. */
class CallerLevel {
  private readonly energy = new Float64Array(LEVEL_FRAMES);
  private frames = 0;

  add(samples: Int16Array): void {
    let sum = 0;
    for (const s of samples) sum += s * s;
    this.energy[this.frames++ % LEVEL_FRAMES] = sum / Math.max(1, samples.length);
  }

  /** dBFS, or null before any audio. */
  dbfs(): number | null {
    const heard = Math.min(this.frames, LEVEL_FRAMES);
    if (heard === 0) return null;
    let sum = 0;
    for (let i = 0; i < heard; i++) sum += this.energy[i]!;
    return dbfs(sum / heard);
  }
}

/** What a call's log says of an action beside its type. */
function actionDetail(action: PsrAction): string | undefined {
  if (action.type === 'transfer') return `to ${action.extension}`;
  if (action.type === 'media') return `is_sync=${action.isSync}`;
  return undefined;
}

/** The campaign a call's parameters name, if any. */
function campaignOf(params: Readonly<Record<string, string>>): LiveCall['campaign'] {
  // Any client with a PSR token can put anything here: kept short.
  const id = params['campaign_id']?.slice(0, 100);
  if (!id) return undefined;
  const attemptId = params['attempt_id']?.slice(0, 200);
  return { id, ...(attemptId && { attemptId }) };
}

/** Who answered, as the bot recorded it (answer detection's result fields), kept short. */
function answeredByOf(result: Readonly<Record<string, string>>): Pick<LiveCall, 'answeredBy'> {
  const kind = result['answered_by']?.slice(0, 40);
  if (!kind) return {};
  const announcement = result['answered_by_kind']?.slice(0, 40);
  return { answeredBy: { kind, ...(announcement && { announcement }) } };
}

/** Mean square of 16-bit samples as dBFS (−100 for silence). */
function dbfs(meanSquare: number): number {
  if (meanSquare <= 0) return -100;
  return Math.max(-100, Math.round(10 * Math.log10(meanSquare / 32768 ** 2)));
}

/** A call event as a log line; progress and ignored fields are left out. */
function logLine(event: CallEvent): { event: string; detail?: string } | undefined {
  switch (event.type) {
    case 'call-connected':
      return { event: 'connected', detail: event.channel };
    case 'call-closed':
      return { event: 'closed', detail: `${event.reason} (${event.code})` };
    case 'playback-start':
      return { event: 'playback-start', detail: `${event.kind} ${event.id}` };
    case 'playback-end':
      return {
        event: 'playback-end',
        detail: `${event.id} after ${Math.round(event.playedMs)} ms`,
      };
    case 'playback-interrupted':
      return {
        event: 'playback-interrupted',
        detail: `${event.id}: ${event.reason}, heard ${Math.round(event.heardMs)} ms`,
      };
    case 'bot-failed':
      return { event: 'bot-failed', detail: event.error.message.slice(0, 200) };
    case 'result-set': {
      const { answeredBy } = answeredByOf(event.fields);
      if (!answeredBy) return undefined; // other result fields: on the call, not in its log
      const { kind, announcement } = answeredBy;
      return { event: 'answered-by', detail: announcement ? `${kind} (${announcement})` : kind };
    }
    case 'stage-failed':
      return {
        event: 'stage-failed',
        detail: `${event.chain}: ${event.error.message.slice(0, 200)}`,
      };
    case 'frame-error':
      return { event: 'frame-error', detail: event.error.code };
    case 'backpressure-start':
      return { event: 'backpressure', detail: `${event.bufferedAmount} bytes buffered` };
    case 'unknown-event':
      return { event: 'unknown-event', detail: event.event.slice(0, 60) };
    default:
      return undefined;
  }
}
