import type { PsrAction } from '@psrkit/protocol';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { CallEnding, type EndDetails } from './call-ending.js';
import type { CallEndReason, CallEvent } from './call-types.js';
import { silentLogger } from './logger.js';

/** A call's ending with recording ports and a virtual clock. */
function ending(endingTimeoutMs = 5000) {
  const scheduler = new VirtualTimeScheduler();
  const seen: string[] = [];
  const events: CallEvent[] = [];
  const closes: { reason: CallEndReason; details: EndDetails; failure: Error | undefined }[] = [];
  const sent: PsrAction[] = [];
  const call = new CallEnding({
    callId: 'c1',
    scheduler,
    endingTimeoutMs,
    logger: silentLogger,
    emit: (event) => events.push(event),
    stopPlayout: (error) => seen.push(`stop ${error?.message ?? ''}`.trim()),
    send: (action) => {
      seen.push(`send ${action.type}`);
      sent.push(action);
      return true;
    },
    close: (reason, details, failure) => {
      seen.push(`close ${reason}`);
      closes.push({ reason, details, failure });
    },
  });
  return { call, scheduler, seen, events, closes, sent };
}

describe('CallEnding: open → ending → closed', () => {
  it('a hangup stops playout, then sends; PSR closing then counts as the hangup', () => {
    const { call, seen, closes } = ending();
    expect(call.finish({ type: 'hangup' })).toEqual({ sent: true });
    expect(call.state).toBe('ending');
    call.end('psr-closed', { detail: 'PSR sent closed' });
    expect(call.state).toBe('closed');
    expect(seen).toEqual(['stop', 'send hangup', 'close hangup']);
    expect(closes[0]).toEqual({
      reason: 'hangup',
      details: { detail: 'PSR sent closed' },
      failure: undefined,
    });
  });

  it('refuses a second hangup or transfer, and a hangup once closed, with CALL_CLOSED', () => {
    const { call, sent } = ending();
    call.finish({ type: 'transfer', extension: '101' });
    const again = call.finish({ type: 'hangup' });
    expect(again.sent).toBe(false);
    expect(!again.sent && again.error.code).toBe('CALL_CLOSED');
    expect(!again.sent && again.error.message).toBe('cannot hangup: the call is ending');
    call.end('socket-closed');
    const closed = call.finish({ type: 'hangup' });
    expect(!closed.sent && closed.error.message).toBe('cannot hangup: the call is closed');
    expect(sent).toEqual([{ type: 'transfer', extension: '101' }]);
  });

  it('closes the call itself when PSR has not closed it endingTimeoutMs after the hangup', () => {
    const { call, scheduler, closes } = ending(300);
    call.finish({ type: 'hangup' });
    scheduler.flush();
    expect(scheduler.now()).toBe(300);
    expect(closes).toEqual([
      {
        reason: 'hangup',
        details: { detail: 'PSR did not close after hangup' },
        failure: undefined,
      },
    ]);
  });

  it('ends once: a later end, and the ending timer, do nothing', () => {
    const { call, scheduler, closes } = ending(300);
    call.finish({ type: 'hangup' });
    call.end('shutdown', { code: 1001 });
    call.end('socket-closed');
    scheduler.flush();
    expect(closes.map((c) => c.reason)).toEqual(['shutdown']);
  });

  it('a failing bot is reported, its policy applied, and its error kept for the end', () => {
    const { call, events, sent, closes, seen } = ending();
    call.fail('boom', { action: 'transfer', extension: '9' });
    const failure = (events[0] as { error: Error }).error;
    expect(events).toEqual([{ type: 'bot-failed', error: failure }]);
    expect(failure).toMatchObject({ code: 'BOT_FAILED', message: 'the bot failed: boom' });
    expect(seen[0]).toBe('stop the bot failed: boom');
    expect(sent).toEqual([{ type: 'transfer', extension: '9' }]);
    call.end('psr-closed');
    expect(closes[0]?.failure).toBe(failure);
  });

  it('a bot failing while the call ends is reported without a second hangup; once closed, not at all', () => {
    const { call, events, sent } = ending();
    call.finish({ type: 'hangup' });
    call.fail(new Error('late'), { action: 'hangup' });
    expect(events.map((e) => e.type)).toEqual(['bot-failed']);
    expect(sent).toHaveLength(1);
    call.end('psr-closed');
    call.fail(new Error('later still'), { action: 'hangup' });
    expect(events).toHaveLength(1);
  });
});
