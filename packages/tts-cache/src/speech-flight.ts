import { setTimeout as pause } from 'node:timers/promises';
import type { SpeakOptions, SpeechPiece, TextToSpeechV2 } from '@psrkit/pipeline';
import { Observable, of, ReplaySubject, type Subscription, share, tap, timer } from 'rxjs';
import type { CacheFolder } from './cache-folder.js';
import type { CacheMonitor } from './cache-monitor.js';
import type { CachedSpeech } from './entry-codec.js';
import type { FolderLocks, HeldLock } from './folder-lock.js';
import { createSpeechRecorder } from './speech-recorder.js';

/** What every flight of a cache works with. */
export interface FlightContext {
  readonly engine: TextToSpeechV2;
  readonly folder: CacheFolder;
  readonly locks: FolderLocks;
  readonly monitor: CacheMonitor;
  /** How long a synthesis nobody listens to any more goes on, to be stored, ms. */
  readonly finishInBackgroundMs: number;
  /** The longest wait for another process synthesising the same text, ms. */
  readonly lockWaitMs: number;
  /** The largest speech stored, bytes. */
  readonly maxEntryBytes: number;
}

/** One text to speak, and its key. */
export interface FlightRequest {
  readonly key: string;
  /** Normalised. */
  readonly text: string;
  readonly options: SpeakOptions;
}

/** Where a flight's speech comes from: the folder, or the engine (stored, under a lock or not). */
type SpeechSource =
  | { readonly kind: 'hit'; readonly speech: CachedSpeech }
  | { readonly kind: 'engine'; readonly lock: HeldLock | undefined; readonly store: boolean };

/** How often a speech waiting for another process's lock looks for its entry, ms. */
const LOCK_POLL_MS = 25;

/**
 * One text's speech, shared by every request for it in this process while it is looked up
 * or synthesised: replayed from the folder, or spoken by the engine and stored once
 * complete. A late subscriber gets the speech from its start. When every subscriber has
 * left a synthesis that will be stored, the synthesis goes on for `finishInBackgroundMs`
 * (a barge-in during the first call's greeting must not make every later call miss);
 * otherwise the engine is cancelled at once. `ended` runs once its work is over.
 */
export function speechFlight(
  context: FlightContext,
  request: FlightRequest,
  ended: () => void,
): Observable<SpeechPiece> {
  let background = false;
  const source = new Observable<SpeechPiece>((subscriber) => {
    const abort = new AbortController();
    let speaking: Subscription | undefined;
    void findSource(context, request.key, abort.signal).then((found) => {
      if (found === undefined || abort.signal.aborted) {
        if (found?.kind === 'engine') void found.lock?.release();
        return;
      }
      if (found.kind === 'hit') {
        context.monitor.count('hits');
        for (const piece of found.speech.pieces) subscriber.next(piece);
        subscriber.complete();
        return;
      }
      context.monitor.count('misses');
      speaking = synthesise(context, request, found, (on) => {
        background = on;
      }).subscribe(subscriber);
    });
    return () => {
      abort.abort();
      speaking?.unsubscribe();
      ended();
    };
  });
  return source.pipe(
    share({
      connector: () => new ReplaySubject<SpeechPiece>(),
      resetOnRefCountZero: () => (background ? timer(context.finishInBackgroundMs) : of(true)),
    }),
  );
}

/**
 * The folder's entry, or the engine: under this process's lock when it gets one; after
 * waiting up to `lockWaitMs` for another holder's entry, without one. `undefined` once
 * aborted.
 */
function findSource(
  context: FlightContext,
  key: string,
  signal: AbortSignal,
): Promise<SpeechSource | undefined> {
  // Folder failures are handled where they happen; anything else still never fails a call.
  return lookUp(context, key, signal).catch((error: unknown) => {
    context.monitor.fail('looking up an entry', key, error);
    return { kind: 'engine', lock: undefined, store: false };
  });
}

async function lookUp(
  context: FlightContext,
  key: string,
  signal: AbortSignal,
): Promise<SpeechSource | undefined> {
  const { folder, locks, monitor, engine } = context;
  const waitUntil = Date.now() + context.lockWaitMs;
  for (let waited = false; !signal.aborted; waited = true) {
    const speech = await folder.read(key, engine.sampleRate);
    if (speech) return { kind: 'hit', speech };
    if (!monitor.writable()) return { kind: 'engine', lock: undefined, store: false };
    const lock = await locks.tryLock(key);
    if (lock === 'failed') return { kind: 'engine', lock: undefined, store: false };
    if (lock !== 'busy') return lockedSource(context, key, lock);
    if (!waited) monitor.count('lockWaits');
    if (Date.now() >= waitUntil) return { kind: 'engine', lock: undefined, store: true };
    await pause(LOCK_POLL_MS, undefined, { signal }).catch(() => undefined); // aborted: the loop ends
  }
  return undefined;
}

/** With the lock: the entry another process stored just before, or the engine. */
async function lockedSource(
  context: FlightContext,
  key: string,
  lock: HeldLock,
): Promise<SpeechSource> {
  const speech = await context.folder.read(key, context.engine.sampleRate);
  if (!speech) return { kind: 'engine', lock, store: true };
  await lock.release();
  return { kind: 'hit', speech };
}

/** The engine's speech, recorded and stored (then the lock released) if it completes. */
function synthesise(
  context: FlightContext,
  request: FlightRequest,
  source: Extract<SpeechSource, { kind: 'engine' }>,
  setBackground: (on: boolean) => void,
): Observable<SpeechPiece> {
  const speech$ = context.engine.speak(request.text, request.options);
  if (!source.store) return speech$;
  const recorder = createSpeechRecorder(context.engine.sampleRate, context.maxEntryBytes);
  let completed = false;
  return speech$.pipe(
    tap({
      subscribe: () => setBackground(context.finishInBackgroundMs > 0),
      next: (piece) => {
        recorder.add(piece);
        if (!recorder.storable) setBackground(false);
      },
      complete: () => {
        completed = true;
        const speech = recorder.speech();
        const stored = speech ? context.folder.store(request.key, speech) : Promise.resolve();
        void stored.then(() => source.lock?.release());
      },
      finalize: () => {
        setBackground(false);
        if (!completed) void source.lock?.release();
      },
    }),
  );
}
