import { describe, expect, it } from 'vitest';
import { type CallRef, createLocalDirectory, type LiveCall } from './call-directory.js';
import { apiCallRoute, findCall, pageRoute } from './call-paths.js';

const call = (tenant: string, id: string): LiveCall => ({
  id,
  tenant,
  pid: 1,
  startedAt: 1,
  state: 'open',
  botSpeaking: false,
  callerLevelDbfs: null,
  framesIn: 0,
  actionsSent: 0,
  log: [],
});

describe('call paths', () => {
  it('/api/calls: the method tells <tenant>/<id> from <id>/<command>', () => {
    expect(apiCallRoute([], 'GET')).toEqual({ kind: 'list' });
    expect(apiCallRoute([], 'POST')).toEqual({ kind: 'method-not-allowed' });
    expect(apiCallRoute(['x'], 'GET')).toEqual({ kind: 'call', target: { id: 'x' } });
    expect(apiCallRoute(['t', 'x'], 'GET')).toEqual({
      kind: 'call',
      target: { tenant: 't', id: 'x' },
    });
    expect(apiCallRoute(['x', 'hangup'], 'POST')).toEqual({
      kind: 'command',
      target: { id: 'x' },
      command: 'hangup',
    });
    expect(apiCallRoute(['t', 'x', 'say'], 'POST')).toEqual({
      kind: 'command',
      target: { tenant: 't', id: 'x' },
      command: 'say',
    });
    expect(apiCallRoute(['x'], 'POST')).toEqual({ kind: 'method-not-allowed' });
    expect(apiCallRoute(['t', 'x', 'say'], 'GET')).toEqual({ kind: 'method-not-allowed' });
    expect(apiCallRoute(['t', 'x', 'say', 'more'], 'POST')).toEqual({ kind: 'not-found' });
  });

  it('/calls: a page by tenant and id, a recording, an id alone', () => {
    const none = () => false;
    expect(pageRoute([], none)).toEqual({ kind: 'list' });
    expect(pageRoute(['x'], none)).toEqual({ kind: 'by-id', id: 'x' });
    expect(pageRoute(['t', 'x'], none)).toEqual({ kind: 'call', call: { tenant: 't', id: 'x' } });
    expect(pageRoute(['t', 'x', 'recording'], none)).toEqual({
      kind: 'recording',
      target: { tenant: 't', id: 'x' },
    });
    expect(pageRoute(['x', 'recording'], none)).toEqual({ kind: 'recording', target: { id: 'x' } });
    // Unless tenant `x` has a call named `recording`.
    const known = (ref: CallRef) => ref.tenant === 'x' && ref.id === 'recording';
    expect(pageRoute(['x', 'recording'], known)).toEqual({
      kind: 'call',
      call: { tenant: 'x', id: 'recording' },
    });
    expect(pageRoute(['t', 'x', 'y'], none)).toEqual({ kind: 'not-found' });
  });

  it('an id alone names a call while one tenant uses it', () => {
    const directory = createLocalDirectory();
    const ok = async () => ({ ok: true as const, detail: '' });
    directory.register(call('a', 'one'), ok);
    directory.register(call('a', 'both'), ok);
    directory.register(call('b', 'both'), ok);
    expect(findCall(directory, { id: 'one' })).toMatchObject({
      found: true,
      call: { tenant: 'a' },
    });
    expect(findCall(directory, { id: 'both' })).toEqual({
      found: false,
      status: 409,
      error:
        'call id both is used by 2 tenants (a, b): name the tenant, as /api/calls/<tenant>/both',
    });
    expect(findCall(directory, { tenant: 'b', id: 'both' })).toMatchObject({ found: true });
    expect(findCall(directory, { id: 'none' })).toEqual({
      found: false,
      status: 404,
      error: 'no call none',
    });
    expect(findCall(directory, { tenant: 'c', id: 'both' })).toMatchObject({ status: 404 });
    directory.close();
  });
});
