import { EventEmitter } from 'node:events';
import type { AudioFrame } from '@psrkit/pipeline';
import { encodeWav, type PsrAction, parseConnectionQuery } from '@psrkit/protocol';
import { Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  callIn,
  closeServers,
  decodeMp3,
  serve,
  tonePiece,
  until,
  wavOf,
} from './__fixtures__/loopback.js';
import type { Bot } from './bot.js';
import { createCall, socketEnd } from './call.js';
import type { Call, CallEvent } from './call-types.js';
import type { PsrConnection, PsrConnectionEvents } from './connection.js';
import { silentLogger } from './logger.js';

afterEach(closeServers);

/** A bot that hands its call to the test. */
function captured(): { bot: Bot; call: Promise<Call>; events: CallEvent[] } {
  const events: CallEvent[] = [];
  let resolve: (call: Call) => void = () => undefined;
  const call = new Promise<Call>((r) => {
    resolve = r;
  });
  return {
    events,
    call,
    bot: (c) => {
      c.events$.subscribe((e) => events.push(e));
      resolve(c);
    },
  };
}

const actionsOf = (received: { ok: boolean; action?: unknown }[]) =>
  received.filter((r) => r.ok).map((r) => r.action as PsrAction);
const pcm = (samples: Int16Array, piece = 160) =>
  new Observable<Int16Array>((s) => {
    for (let at = 0; at < samples.length; at += piece) s.next(samples.subarray(at, at + piece));
    s.complete();
  });

describe('the remote party: which side the bot talks to', () => {
  /** Sends 20 ms with a tone on `toneSide` and silence on the other; returns the sides `audio()` gave. */
  async function heardSides(
    channel: 'mono_a' | 'mono_b' | 'stereo',
    options: { params?: Record<string, string>; remoteSide?: 'a' | 'b' } = {},
  ) {
    const { bot, call: calling, events } = captured();
    const server = await serve(
      bot,
      options.remoteSide ? { call: { remoteSide: options.remoteSide } } : {},
    );
    const { psr } = await callIn(server, {
      channel,
      ...(options.params && { params: options.params }),
    });
    const call = await calling;
    const remote: AudioFrame[] = [];
    const both: AudioFrame[] = [];
    const b: AudioFrame[] = [];
    call.audio().subscribe((f) => remote.push(f));
    call.audio({ channel: 'both' }).subscribe((f) => both.push(f));
    call.audio({ channel: 'b' }).subscribe((f) => b.push(f));
    psr.sendMedia(channel === 'stereo' ? new Int16Array(320) : new Int16Array(160));
    await until(() => both.length === (channel === 'stereo' ? 2 : 1));
    await psr.close();
    return {
      remoteSide: call.remoteSide,
      remote: remote.map((f) => f.channel),
      both: both.map((f) => f.channel),
      b: b.map((f) => f.channel),
      events,
    };
  }

  it('is the side a mono call carries', async () => {
    expect(await heardSides('mono_a')).toMatchObject({ remoteSide: 'a', remote: ['a'], b: [] });
    expect(await heardSides('mono_b')).toMatchObject({ remoteSide: 'b', remote: ['b'], b: ['b'] });
    // remote_side does not move a mono call off the only side it has.
    expect(await heardSides('mono_b', { params: { remote_side: 'a' } })).toMatchObject({
      remoteSide: 'b',
    });
  });

  it("on stereo: A by default, the server's choice, and the call's remote_side above both", async () => {
    expect(await heardSides('stereo')).toMatchObject({
      remoteSide: 'a',
      remote: ['a'],
      both: ['a', 'b'],
    });
    expect(await heardSides('stereo', { remoteSide: 'b' })).toMatchObject({
      remoteSide: 'b',
      remote: ['b'],
    });
    expect(await heardSides('stereo', { params: { remote_side: 'B' } })).toMatchObject({
      remote: ['b'],
    });
    expect(
      await heardSides('stereo', { remoteSide: 'b', params: { remote_side: 'a' } }),
    ).toMatchObject({ remote: ['a'] });
  });

  it('a bad remote_side is a typed INVALID_PARAMETER, counted, and the default is used', async () => {
    const { bot, call: calling } = captured();
    const server = await serve(bot, { call: { remoteSide: 'b' } });
    const { psr } = await callIn(server, { channel: 'stereo', params: { remote_side: 'left' } });
    const call = await calling;
    expect(call.remoteSide).toBe('b');
    expect(call.stats.frameErrors).toEqual({ INVALID_PARAMETER: 1 });
    await psr.close();
  });
});

describe('Call over a real WebSocket', () => {
  it('reports connected, frames caller audio per side, and keeps the query parameters', async () => {
    const { bot, call: calling, events } = captured();
    const server = await serve(bot);
    const { psr } = await callIn(server, {
      channel: 'stereo',
      params: { danh_xung: 'anh', tag: 'x' },
    });
    const call = await calling;
    const frames: AudioFrame[] = [];
    const wide: AudioFrame[] = [];
    call.audio$.subscribe((f) => frames.push(f));
    call.audio({ channel: 'a', sampleRate: 16000 }).subscribe((f) => wide.push(f));
    // 30 ms then 10 ms of interleaved stereo: A = tone, B = silence.
    const stereo = (mono: Int16Array) => {
      const out = new Int16Array(mono.length * 2);
      mono.forEach((v, i) => {
        out[2 * i] = v;
      });
      return out;
    };
    psr.sendMedia(stereo(tonePiece(0, 240)));
    psr.sendMedia(stereo(tonePiece(240, 80)));
    await until(() => frames.length === 4);
    expect(events[0]).toMatchObject({ type: 'call-connected', channel: 'stereo' });
    expect(call).toMatchObject({ id: psr.callId, tenant: 'acme', channel: 'stereo' });
    expect(call.params).toEqual({ danh_xung: 'anh', tag: 'x' });
    expect(frames.map((f) => [f.channel, f.startSample, f.samples.length])).toEqual([
      ['a', 0, 160],
      ['b', 0, 160],
      ['a', 160, 160],
      ['b', 160, 160],
    ]);
    expect(frames[0]!.samples).toEqual(tonePiece(0));
    expect(frames[1]!.samples.every((v) => v === 0)).toBe(true);
    expect(wide.every((f) => f.channel === 'a' && f.sampleRate === 16000)).toBe(true);
    expect(call.stats).toMatchObject({ framesIn: 3, samplesIn: 320 });
    await psr.close();
  });

  it('plays a WAV as a media action and streams MP3 chunks that decode to the audio sent', async () => {
    const { bot, call: calling } = captured();
    const server = await serve(bot, { call: { playout: { leadMs: 100 } } });
    const { psr, received } = await callIn(server);
    const call = await calling;
    const wav = encodeWav({ sampleRate: 16000, channels: 1, samples: new Int16Array(1600) });
    const file = call.play(wav);
    const stream = call.stream(pcm(tonePiece(0, 8000)), { sampleRate: 8000 });
    expect(call.speaking).toBe(true);
    expect(await file.done).toMatchObject({ type: 'playback-end', playedMs: 100 });
    expect(await stream.done).toMatchObject({ type: 'playback-end' });
    const sent = actionsOf(received);
    expect(sent[0]).toMatchObject({ type: 'media', isSync: true });
    const played = wavOf((sent[0] as { payload: Uint8Array }).payload);
    expect([played.sampleRate, played.channels, played.samples.length]).toEqual([8000, 1, 800]);
    const chunks = sent.slice(1);
    expect(chunks.every((a) => a.type === 'chunk' && a.format === 'mp3')).toBe(true);
    const mp3 = Buffer.concat(chunks.map((a) => (a as { payload: Uint8Array }).payload));
    const decoded = await decodeMp3(mp3);
    expect(decoded.sampleRate).toBe(8000);
    // 1 s of audio plus the encoder's padding, in whole 72 ms frames.
    expect(decoded.samples.length / 8000).toBeGreaterThanOrEqual(1);
    expect(decoded.samples.length / 8000).toBeLessThan(1.3);
    expect(call.stats.actionsSent).toMatchObject({ media: 1, chunk: chunks.length });
    await psr.close();
  });

  it('barge-in: interrupt() stops the stream at once and fades out; later sends are no-ops', async () => {
    const { bot, call: calling, events } = captured();
    const server = await serve(bot, {
      call: { playout: { leadMs: 100, format: 'pcm16' } },
    });
    const { psr, received } = await callIn(server);
    const call = await calling;
    const handle = call.stream(pcm(tonePiece(0, 80_000)), { sampleRate: 8000 });
    await until(() => handle.playedMs >= 200);
    call.interrupt();
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ type: 'playback-interrupted', reason: 'interrupted' });
    // Everything the server sent has arrived, the fade tail included…
    const sentChunks = call.stats.actionsSent.chunk;
    await until(() => received.length === sentChunks);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // …and nothing went out after it.
    expect(call.stats.actionsSent.chunk).toBe(sentChunks);
    expect(received.length).toBe(sentChunks);
    const sentMs =
      actionsOf(received).reduce((ms, a) => ms + (a as { payload: Uint8Array }).payload.length, 0) /
      16;
    if (outcome.type === 'playback-interrupted') {
      // What was sent is what was heard plus the lead and the 20 ms fade.
      expect(sentMs).toBeCloseTo(outcome.heardMs, 0);
      expect(outcome.heardMs - outcome.playedMs).toBeLessThanOrEqual(100 + 20 + 20);
    }
    expect(call.stats.interruptions).toBe(1);
    expect(events.some((e) => e.type === 'playback-interrupted')).toBe(true);
    await psr.close();
  });

  it('transfer sends the action once, ends playout, and the call closes as "transfer"', async () => {
    const { bot, call: calling } = captured();
    const server = await serve(bot);
    const { psr, received } = await callIn(server);
    const call = await calling;
    const playing = call.stream(pcm(tonePiece(0, 80_000)), { sampleRate: 8000 });
    expect(call.transfer('101')).toEqual({ sent: true });
    expect(call.state).toBe('ending');
    expect(await playing.done).toMatchObject({ reason: 'closed' });
    const again = call.transfer('102');
    expect(again.sent).toBe(false);
    expect(!again.sent && again.error.code).toBe('CALL_CLOSED');
    expect(() => call.transfer('not an extension!')).toThrow(/extension/);
    await until(() => actionsOf(received).some((a) => a.type === 'transfer'));
    expect(actionsOf(received).filter((a) => a.type === 'transfer')).toEqual([
      { type: 'transfer', extension: '101' },
    ]);
    psr.sendClosed();
    expect(await call.closed).toMatchObject({ reason: 'transfer' });
    // After the end: every send is a typed no-op.
    expect(call.hangup()).toMatchObject({ sent: false, error: { code: 'CALL_CLOSED' } });
    const late = call.play(
      encodeWav({ sampleRate: 8000, channels: 1, samples: new Int16Array(8) }),
    );
    expect(await late.done).toMatchObject({ reason: 'closed' });
  });

  it('hangup: if PSR does not close, the server closes after endingTimeoutMs', async () => {
    const { bot, call: calling } = captured();
    const server = await serve(bot, { call: { endingTimeoutMs: 50 } });
    const { psr } = await callIn(server);
    const call = await calling;
    call.hangup();
    expect(await call.closed).toMatchObject({ reason: 'hangup' });
    expect((await psr.closed).code).toBe(1000);
  });

  it('bad frames become typed frame-errors, are counted, and the call goes on', async () => {
    const { bot, call: calling, events } = captured();
    const server = await serve(bot);
    const { psr } = await callIn(server, { callId: 'c-1' });
    const call = await calling;
    const frames: AudioFrame[] = [];
    call.audio$.subscribe((f) => frames.push(f));
    const media = (payload: unknown, extra = {}) =>
      JSON.stringify({
        timestamp: 1,
        event: 'media',
        media: { payload },
        data: { call_id: 'c-1', channel: 'mono_a' },
        ...extra,
      });
    psr.sendRaw('{"event": "media", ');
    psr.sendRaw(JSON.stringify([1, 2]));
    psr.sendRaw(media('not base64!'));
    psr.sendRaw(media('AA=='));
    psr.sendRaw(media(42));
    psr.sendRaw(new Uint8Array([1, 2, 3]));
    psr.sendRaw(JSON.stringify({ event: 'dtmf', digit: '5' }));
    psr.sendRaw(media(Buffer.alloc(320).toString('base64'), { vendor: 'x' }));
    psr.sendRaw(
      JSON.stringify({
        timestamp: 1,
        event: 'media',
        media: { payload: Buffer.alloc(320).toString('base64') },
        data: { call_id: 'other', channel: 'mono_a' },
      }),
    );
    await until(() => frames.length === 2);
    const errors = events.flatMap((e) => (e.type === 'frame-error' ? [e.error.code] : []));
    expect(errors).toEqual([
      'INVALID_JSON',
      'INVALID_FIELD',
      'INVALID_BASE64',
      'ODD_PCM_LENGTH',
      'INVALID_FIELD',
      'BINARY_FRAME',
      'CALL_ID_MISMATCH',
    ]);
    const first = events.find((e) => e.type === 'frame-error');
    expect(first).toMatchObject({ excerpt: '{"event": "media", ', error: { callId: 'c-1' } });
    expect(events).toContainEqual({ type: 'unknown-event', event: 'dtmf', raw: expect.anything() });
    expect(events).toContainEqual({ type: 'fields-ignored', event: 'media', fields: ['$.vendor'] });
    expect(call.stats.frameErrors).toEqual({
      INVALID_JSON: 1,
      INVALID_BASE64: 1,
      ODD_PCM_LENGTH: 1,
      INVALID_FIELD: 2,
      BINARY_FRAME: 1,
      CALL_ID_MISMATCH: 1,
    });
    expect(call.stats.unknownEvents).toBe(1);
    expect(call.state).toBe('open');
    expect(server.totals.frameErrors.INVALID_FIELD).toBe(2);
    await psr.close();
  });

  it('backpressure: a peer that stops reading makes playout wait, with the buffer bounded', async () => {
    const { bot, call: calling, events } = captured();
    const server = await serve(bot, { call: { playout: { leadMs: 200 } } });
    const { psr } = await callIn(server);
    const call = await calling;
    psr.socket.pause(); // stops reading: the kernel's buffers fill, then the socket's
    // A 10-minute prompt (one ~12.8 MB frame) fills every buffer on the way…
    call.play({ sampleRate: 8000, channels: 1, samples: new Int16Array(8000 * 600) });
    await until(() => call.stats.actionsSent.media === 1, 20_000); // prepared, then sent
    // …so the stream that preempts it must wait instead of piling chunks up.
    call.stream(pcm(tonePiece(0, 8000 * 60)), { sampleRate: 8000, mode: 'interrupt' });
    await until(() => call.stats.backpressureWaits > 0, 20_000);
    expect(events.some((e) => e.type === 'backpressure-start')).toBe(true);
    expect(server.totals.backpressureWaits).toBeGreaterThan(0);
    const sent = call.stats.bytesOut;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(call.stats.bytesOut).toBe(sent); // nothing more queued while blocked
    psr.socket.resume(); // reading again: the stream goes on
    await until(() => call.stats.actionsSent.chunk > 0, 20_000);
    psr.terminate();
    await call.closed;
  }, 30_000);

  it('works on any PsrConnection: a test double carrier', async () => {
    class FakeConnection extends EventEmitter<PsrConnectionEvents> implements PsrConnection {
      sent: string[] = [];
      bufferedAmount = 0;
      isOpen = true;
      send(text: string) {
        this.sent.push(text);
        return this.isOpen;
      }
      close(code: number, reason: string) {
        this.isOpen = false;
        this.emit('close', code, reason);
      }
      terminate() {
        this.close(1006, '');
      }
    }
    const connection = new FakeConnection();
    const { call } = createCall({
      connection,
      query: parseConnectionQuery('/?call_id=f&tenant=t'),
      logger: silentLogger,
    });
    connection.emit(
      'message',
      '{"timestamp":1,"event":"closed","data":{"call_id":"f","channel":"mono_b"}}',
      false,
    );
    expect(await call.closed).toMatchObject({ reason: 'psr-closed' });
    expect(connection.isOpen).toBe(false);
  });
});

describe('result fields', () => {
  it('setResult stores the fields and reports them as a result-set event while the call is open', async () => {
    const { bot, call: captured$, events } = captured();
    const { psr } = await callIn(await serve(bot));
    const call = await captured$;
    call.setResult({ answered_by: 'announcement', answered_by_kind: 'busy', score: 3 });
    call.setResult({ note: 'a\nb' });
    expect(call.result).toEqual({
      answered_by: 'announcement',
      answered_by_kind: 'busy',
      score: '3',
      note: 'a b',
    });
    expect(events.filter((e) => e.type === 'result-set')).toEqual([
      {
        type: 'result-set',
        fields: { answered_by: 'announcement', answered_by_kind: 'busy', score: '3' },
      },
      { type: 'result-set', fields: { note: 'a b' } },
    ]);
    expect(() => call.setResult({ 'Bad name': 'x' })).toThrow(/result field's name/);
    await psr.close();
    await call.closed;
    call.setResult({ late: 'yes' }); // stored for whoever reads the result; no event after the end
    expect(call.result['late']).toBe('yes');
    expect(events.filter((e) => e.type === 'result-set')).toHaveLength(2);
  });
});

describe('actionsSent$', () => {
  it('reports every action as it goes onto the socket, in order, then completes', async () => {
    const sent: string[] = [];
    let completed = false;
    const server = await serve(async (call) => {
      call.actionsSent$.subscribe({
        next: ({ action, atMs }) => {
          expect(atMs).toBeGreaterThanOrEqual(0);
          sent.push(action.type);
        },
        complete: () => {
          completed = true;
        },
      });
      await call.play({ sampleRate: 8000, channels: 1, samples: new Int16Array(400) }).done;
      call.hangup();
    });
    const { psr, received } = await callIn(server);
    await until(() => actionsOf(received).some((a) => a.type === 'hangup'));
    psr.sendClosed(); // as PSR does after a hangup
    await until(() => completed);
    expect(sent).toEqual(actionsOf(received).map((a) => a.type));
    expect(sent).toEqual(['media', 'hangup']);
  });
});

describe('a peer that never reads again', () => {
  it('ends the call once unsent data passes maxBufferedBytes, even with files that skip backpressure', async () => {
    const { bot, call: calling } = captured();
    const server = await serve(bot, { call: { maxBufferedBytes: 1024 * 1024 } });
    const { psr } = await callIn(server);
    const call = await calling;
    psr.socket.pause();
    // A bot cutting in with one 60 s prompt after another (0.96 MB each): each goes out whole at
    // once, so without a cap they would pile up in memory without bound.
    const prompt = { sampleRate: 8000, channels: 1, samples: new Int16Array(8000 * 60) };
    const timer = setInterval(() => call.play(prompt, { mode: 'interrupt' }), 5);
    const end = await call.closed;
    clearInterval(timer);
    expect(end).toMatchObject({ reason: 'send-buffer-full', code: 1008 });
    expect(server.activeCalls).toBe(0);
    psr.terminate();
  }, 30_000);
});

describe('socketEnd: why a call ends when its socket closed', () => {
  it('is the socket’s close, or a frame over the size limit (by close code or carrier error)', () => {
    expect(socketEnd(1006, '', undefined)).toEqual({
      reason: 'socket-closed',
      code: 1006,
      detail: 'socket closed',
    });
    expect(socketEnd(1000, 'bye', undefined)).toMatchObject({
      reason: 'socket-closed',
      detail: 'bye',
    });
    expect(socketEnd(1009, '', undefined)).toEqual({
      reason: 'payload-too-large',
      code: 1009,
      detail: 'frame over the size limit',
    });
    const tooLong = Object.assign(new Error('too long'), {
      code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
    });
    expect(socketEnd(1006, '', tooLong)).toMatchObject({ reason: 'payload-too-large', code: 1009 });
  });
});
