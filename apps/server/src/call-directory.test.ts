import { describe, expect, it } from 'vitest';
import {
  createLocalDirectory,
  DirectoryBook,
  type DirectoryChange,
  type LiveCall,
} from './call-directory.js';

const call = (id: string, over: Partial<LiveCall> = {}): LiveCall => ({
  id,
  tenant: 't',
  pid: 1,
  startedAt: 0,
  state: 'open',
  botSpeaking: false,
  callerLevelDbfs: null,
  framesIn: 0,
  actionsSent: 0,
  log: [],
  ...over,
});
const ended = (id: string, at: number) =>
  call(id, { state: 'closed', end: { reason: 'psr-closed', durationMs: 1, at } });

describe('DirectoryBook', () => {
  it('lists live calls, then ended ones newest first, and tells watchers every change', () => {
    const book = new DirectoryBook({ maxEnded: 10, endedForMs: 60_000 }, () => 1000);
    const changes: DirectoryChange[] = [];
    book.watch((change) => changes.push(change));
    book.apply({ type: 'call', call: call('a') });
    book.apply({ type: 'call', call: call('b') });
    book.apply({ type: 'call', call: ended('a', 900) });
    book.apply({ type: 'call', call: call('c') });
    book.apply({ type: 'call', call: ended('c', 950) });
    expect(book.list().map((c) => [c.id, c.state])).toEqual([
      ['b', 'open'],
      ['c', 'closed'],
      ['a', 'closed'],
    ]);
    expect(book.get({ tenant: 't', id: 'b' })?.state).toBe('open');
    expect(book.get({ tenant: 't', id: 'a' })?.state).toBe('closed');
    expect(changes).toHaveLength(5);
  });

  it('keeps at most maxEnded ended calls, none older than endedForMs, and says which went', () => {
    let now = 0;
    const book = new DirectoryBook({ maxEnded: 2, endedForMs: 100 }, () => now);
    const gone: string[] = [];
    book.watch((change) => change.type === 'gone' && gone.push(change.id));
    for (const id of ['a', 'b', 'c']) book.apply({ type: 'call', call: ended(id, now) });
    expect(gone).toEqual(['a']);
    now = 150;
    book.apply({ type: 'call', call: ended('d', now) });
    expect(gone).toEqual(['a', 'b', 'c']);
    expect(book.list().map((c) => c.id)).toEqual(['d']);
  });
});

describe('the local directory', () => {
  it('runs a command on the call it holds; an ended call is 409, an unknown one 404', async () => {
    const directory = createLocalDirectory();
    const asked: string[] = [];
    directory.register(call('x'), async (command, by) => {
      asked.push(`${command.type} by ${by}`);
      return { ok: true, detail: 'done' };
    });
    const x = { tenant: 't', id: 'x' };
    expect(await directory.send(x, { type: 'hangup' }, 'ops@127.0.0.1')).toEqual({
      ok: true,
      detail: 'done',
    });
    expect(asked).toEqual(['hangup by ops@127.0.0.1']);
    directory.update(ended('x', Date.now()));
    expect(await directory.send(x, { type: 'hangup' }, 'ops')).toMatchObject({ status: 409 });
    expect(await directory.send({ tenant: 't', id: 'y' }, { type: 'hangup' }, 'ops')).toMatchObject(
      { status: 404 },
    );
    // The same id in another tenant is another call.
    expect(await directory.send({ tenant: 'u', id: 'x' }, { type: 'hangup' }, 'ops')).toMatchObject(
      { status: 404 },
    );
    directory.close();
  });
});

describe('calls are known by tenant and id', () => {
  it('two tenants with one call id are two calls: listed both, each ended alone', () => {
    const book = new DirectoryBook();
    book.apply({ type: 'call', call: call('same', { tenant: 'a' }) });
    book.apply({ type: 'call', call: call('same', { tenant: 'b' }) });
    expect(book.list().map((c) => c.tenant)).toEqual(['a', 'b']);
    book.apply({
      type: 'call',
      call: call('same', {
        tenant: 'a',
        state: 'closed',
        end: { reason: 'x', durationMs: 1, at: Date.now() },
      }),
    });
    expect(book.get({ tenant: 'b', id: 'same' })?.state).toBe('open');
    expect(book.get({ tenant: 'a', id: 'same' })?.state).toBe('closed');
    book.apply({ type: 'gone', tenant: 'a', id: 'same' });
    expect(book.list().map((c) => [c.tenant, c.state])).toEqual([['b', 'open']]);
  });

  it('a replaced call (same tenant and id, started earlier) ending leaves the newer one live and held', async () => {
    const directory = createLocalDirectory();
    const older = call('r', { startedAt: 100 });
    const newer = call('r', { startedAt: 200 });
    const ran: string[] = [];
    directory.register(older, async () => {
      ran.push('older');
      return { ok: true, detail: 'older' };
    });
    directory.register(newer, async () => {
      ran.push('newer');
      return { ok: true, detail: 'newer' };
    });
    directory.update({
      ...older,
      state: 'closed',
      end: { reason: 'replaced', durationMs: 1, at: 1 },
    });
    expect(directory.get(newer)?.state).toBe('open');
    expect(await directory.send(newer, { type: 'hangup' }, 'ops')).toMatchObject({ ok: true });
    expect(ran).toEqual(['newer']);
    directory.close();
  });
});
