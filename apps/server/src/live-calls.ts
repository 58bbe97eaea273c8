import type { TextToSpeech } from '@psrkit/pipeline';
import type { Call, CallEvent, PsrServer } from '@psrkit/transport';
import {
  CALL_LOG_LENGTH,
  type CallCommand,
  type CallDirectory,
  type CallLogEntry,
  type CommandResult,
  type LiveCall,
} from './call-directory.js';

/** How often a live call's figures (level, frames, actions) are sent to the directory. */
export const LIVE_UPDATE_MS = 1000;
const LEVEL_FRAMES = 10; // 200 ms of 20 ms frames

export interface PublishCallsOptions {
  /** The TTS that `say` speaks with (the bot module's), if any. */
  readonly tts: () => TextToSpeech | undefined;
}

/**
 * Puts every call of this server in the directory and keeps it current: state, whether
 * the bot speaks, the remote party's level, frames and actions so far, an event log; and
 * runs the directory's commands on it (hangup, transfer, say). Returns how to attach a
 * call's recording once it is on disk, and how to stop.
 */
export function publishCalls(
  server: PsrServer,
  directory: CallDirectory,
  { tts }: PublishCallsOptions,
): { recorded(callId: string, file: string): void; close(): void } {
  const tracked = new Map<string, { view: () => LiveCall; dirty: boolean }>();
  const ended = new Map<string, LiveCall>(); // the last view of calls whose recording may follow

  server.on('call-open', (call) => {
    const startedAt = Date.now();
    const log: CallLogEntry[] = [];
    const energy = new Float64Array(LEVEL_FRAMES);
    let frames = 0;
    const note = (event: string, detail?: string) => {
      log.push({ atMs: Date.now() - startedAt, event, ...(detail !== undefined && { detail }) });
      if (log.length > CALL_LOG_LENGTH) log.shift();
    };
    const campaign = campaignOf(call.params);
    const view = (): LiveCall => {
      const heard = Math.min(frames, LEVEL_FRAMES);
      let sum = 0;
      for (let i = 0; i < heard; i++) sum += energy[i]!;
      return {
        id: call.id,
        tenant: call.tenant,
        pid: process.pid,
        startedAt,
        state: call.state,
        botSpeaking: call.speaking,
        callerLevelDbfs: heard === 0 ? null : dbfs(sum / heard),
        framesIn: call.stats.framesIn,
        actionsSent: Object.values(call.stats.actionsSent).reduce((a, b) => a + b, 0),
        log: [...log],
        ...(campaign && { campaign }),
        ...answeredByOf(call.result),
      };
    };
    const entry = { view, dirty: false };
    tracked.set(call.id, entry);
    const publishNow = () => {
      entry.dirty = false;
      directory.update(view());
    };

    call.audio().subscribe((frame) => {
      let sum = 0;
      for (const s of frame.samples) sum += s * s;
      energy[frames++ % LEVEL_FRAMES] = sum / Math.max(1, frame.samples.length);
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
      note(
        `action ${action.type}`,
        action.type === 'transfer'
          ? `to ${action.extension}`
          : action.type === 'media'
            ? `is_sync=${action.isSync}`
            : undefined,
      );
      publishNow();
    });
    directory.register(view(), (command, by) => {
      note(`command ${command.type}`, `by ${by}`);
      publishNow();
      return run(call, command);
    });
    void call.closed.then((end) => {
      tracked.delete(call.id);
      const last: LiveCall = {
        ...view(),
        state: 'closed',
        botSpeaking: false,
        end: { reason: end.reason, durationMs: Math.round(end.durationMs), at: Date.now() },
      };
      ended.set(call.id, last);
      if (ended.size > 1000) ended.delete(ended.keys().next().value!);
      directory.update(last);
    });
  });

  const run = async (call: Call, command: CallCommand): Promise<CommandResult> => {
    const entry = tracked.get(call.id);
    if (!entry || call.state !== 'open')
      return { ok: false, status: 409, error: `call ${call.id} is ${call.state}` };
    const done = (detail: string): CommandResult => {
      entry.dirty = true;
      return { ok: true, detail };
    };
    switch (command.type) {
      case 'hangup':
      case 'transfer': {
        const sent = command.type === 'hangup' ? call.hangup() : call.transfer(command.extension);
        return sent.sent
          ? done(command.type === 'hangup' ? 'hung up' : `transferred to ${command.extension}`)
          : { ok: false, status: 409, error: sent.error.message };
      }
      case 'say': {
        const engine = tts();
        if (!engine)
          return {
            ok: false,
            status: 503,
            error: 'the bot module exports no TTS (`export const tts = () => engine`)',
          };
        if (command.voice !== undefined && !engine.voices.includes(command.voice))
          return {
            ok: false,
            status: 400,
            error: `$.voice: ${JSON.stringify(command.voice.slice(0, 40))} is not one of ${engine.name}'s voices (${engine.voices.slice(0, 20).join(', ')}${engine.voices.length > 20 ? ', …' : ''})`,
          };
        const speech = engine.synthesize(
          command.text,
          command.voice === undefined ? undefined : { voice: command.voice },
        );
        const handle = call.stream(speech, {
          sampleRate: engine.sampleRate,
          mode: command.mode,
        });
        return done(`saying (${command.mode}) as ${handle.id}`);
      }
    }
  };

  const timer = setInterval(() => {
    for (const entry of tracked.values()) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      directory.update(entry.view());
    }
  }, LIVE_UPDATE_MS);
  timer.unref();
  return {
    recorded(callId, file) {
      const last = ended.get(callId);
      if (last) directory.update({ ...last, recording: file });
    },
    close() {
      clearInterval(timer);
    },
  };
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
