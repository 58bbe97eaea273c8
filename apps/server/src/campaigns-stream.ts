import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CampaignEngine, CampaignInfo } from '@psrkit/campaign';
import { type CallDirectory, callKey, type LiveCall, listedCall } from './call-directory.js';
import { campaignDetail } from './campaigns-view.js';
import { openEventStream, type SendEvent } from './event-stream.js';

/** A campaign's figures are sent again at most this often while it changes. */
export const CAMPAIGN_REFRESH_MS = 1000;

const ofCampaign = (call: LiveCall, id: string) => call.campaign?.id === id;

/**
 * `GET /api/campaigns/<id>/events`: server-sent events for one campaign's page — `snapshot`
 * (`{ campaign: CampaignDetail, calls }`: the campaign with its summary and latest attempts,
 * and its calls in the call directory), then `attempt` (an attempt record, as it changes),
 * `state` (`{ state }`), `campaign` (the campaign with its summary, at most once a second
 * while it changes), `call` and `gone` (its calls, as the live calls stream has them).
 */
export async function streamCampaign(
  req: IncomingMessage,
  res: ServerResponse,
  engine: CampaignEngine,
  directory: CallDirectory,
  info: CampaignInfo,
  onError: (error: unknown) => void,
): Promise<true> {
  const id = info.spec.id;
  const stops: (() => void)[] = [];
  const stopAll = () => {
    for (const stop of stops.splice(0)) stop();
  };
  const send = openEventStream(req, res, stopAll);
  // Changes that come while the snapshot is read are held, then sent after it.
  let held: [string, unknown][] | undefined = [];
  const emit: SendEvent = (event, data) => (held ? held.push([event, data]) : send(event, data));
  const refresh = throttledRefresh(engine, id, emit, onError);
  stops.push(refresh.stop);
  stops.push(
    engine.watch((event) => {
      if (event.campaignId !== id) return;
      if (event.type === 'attempt-changed') emit('attempt', event.attempt);
      else emit('state', { state: event.state });
      refresh.soon();
    }),
  );
  const shown = new Set<string>(); // call keys
  stops.push(
    directory.watch((change) => {
      if (change.type === 'gone') {
        const { tenant, id: callId } = change;
        if (shown.delete(callKey(change))) emit('gone', { tenant, id: callId });
      } else if (ofCampaign(change.call, id)) {
        shown.add(callKey(change.call));
        emit('call', listedCall(change.call));
      }
    }),
  );
  const calls = directory.list().filter((call) => ofCampaign(call, id));
  for (const call of calls) shown.add(callKey(call));
  try {
    const campaign = await campaignDetail(engine, (await engine.get(id)) ?? info);
    send('snapshot', { campaign, calls: calls.map(listedCall) });
  } catch (error) {
    onError(error); // the store is away: the viewer reconnects and tries again
    stopAll();
    res.end();
    return true;
  }
  for (const [event, data] of held) send(event, data);
  held = undefined;
  return true;
}

/**
 * Sends `campaign` (its info and summary) after a change, at most once a
 * {@link CAMPAIGN_REFRESH_MS}; a change while it is read sends it again after.
 */
function throttledRefresh(
  engine: CampaignEngine,
  id: string,
  emit: SendEvent,
  onError: (error: unknown) => void,
) {
  let timer: NodeJS.Timeout | undefined;
  let changed = false;
  let stopped = false;
  const run = async () => {
    changed = false;
    const info = await engine.get(id);
    if (stopped || !info) return;
    const { latest: _, ...campaign } = await campaignDetail(engine, info);
    if (!stopped) emit('campaign', campaign);
  };
  const soon = () => {
    changed = true;
    timer ??= setTimeout(() => {
      run()
        .catch(onError) // the store is away: the next change tries again
        .finally(() => {
          timer = undefined;
          if (changed && !stopped) soon();
        });
    }, CAMPAIGN_REFRESH_MS);
  };
  return {
    soon,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
