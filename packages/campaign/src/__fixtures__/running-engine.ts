import type { CampaignEngine } from '../campaign-engine.js';
import { type ScriptedDialer, scriptedDialer } from '../testing/index.js';

/**
 * Runs `work` with `engine` dialling through a scripted dialer; stops the run and closes the
 * engine after, whatever happened.
 */
export async function withRunningEngine(
  engine: CampaignEngine,
  work: (engine: CampaignEngine, dialer: ScriptedDialer) => Promise<void>,
): Promise<void> {
  const dialer = scriptedDialer();
  const stop = new AbortController();
  const running = engine.run((r) => dialer.dial(r), stop.signal);
  try {
    await work(engine, dialer);
  } finally {
    stop.abort();
    await running;
    await engine.close();
  }
}

/** Ends a call the way the server holding it would. */
export function endCall(
  engine: CampaignEngine,
  dialer: ScriptedDialer,
  attemptId: string,
  outcome: 'completed' | 'busy',
): Promise<boolean> {
  dialer.live.delete(attemptId);
  return engine.callEnded(attemptId, { at: Date.now(), outcome, reason: `test: ${outcome}` });
}
