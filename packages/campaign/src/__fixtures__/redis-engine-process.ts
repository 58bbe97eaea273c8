// A process dialling with the Redis engine, for the tests that share a campaign between
// processes: `node --import tsx redis-engine-process.ts <url> <prefix>`, forked with IPC.
// It tells its parent `ready` once running, each dial as it happens (the parent plays the
// servers that get the calls and ends them), and stops on `stop`.
import { createRedisEngine } from '../redis-engine.js';

/** What the process tells its parent. */
export type EngineProcessMessage =
  | { readonly type: 'ready' }
  | {
      readonly type: 'dial';
      readonly pid: number;
      readonly campaignId: string;
      readonly contactId: string;
      readonly attemptId: string;
      readonly attempt: number;
      readonly at: number;
    }
  | { readonly type: 'error'; readonly message: string };

const [url, prefix] = process.argv.slice(2) as [string, string];
const tell = (message: EngineProcessMessage) => process.send?.(message);

const engine = await createRedisEngine({
  url,
  prefix,
  onError: (error) => tell({ type: 'error', message: error.message }),
});
const stop = new AbortController();
process.on('message', (message) => {
  if (message === 'stop') stop.abort();
});
const running = engine.run(async (request) => {
  tell({
    type: 'dial',
    pid: process.pid,
    campaignId: request.campaign.id,
    contactId: request.contact.id,
    attemptId: request.attemptId,
    attempt: request.attempt,
    at: Date.now(),
  });
  return { callId: `call-${request.attemptId}` };
}, stop.signal);
tell({ type: 'ready' });
await running;
await engine.close();
process.disconnect();
