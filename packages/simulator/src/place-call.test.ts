import {
  chunkAction,
  encodeAction,
  encodeBase64,
  encodeWav,
  hangupAction,
  mediaAction,
} from '@psrkit/protocol';
import { isTransportError } from '@psrkit/transport';
import { filter, first, firstValueFrom, map, of, timer } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { concatBytes, mp3FramesOf, rms, tone } from '../../line/src/__fixtures__/audio.js';
import { startBotServer, startRawServer } from './__fixtures__/servers.js';
import { formatReport } from './call-report.js';
import { placeCall } from './place-call.js';

const wavOf = (samples: Int16Array, sampleRate = 8000) =>
  encodeWav({ sampleRate, channels: 1, samples });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

describe('placeCall against a psrkit bot on loopback', () => {
  it('a hang-up asked while the socket is still connecting ends the call once it is up, by the caller', async () => {
    const server = await startBotServer((call) => call.closed.then(() => undefined));
    cleanups.push(() => server.close());
    const abort = new AbortController();
    const report = placeCall({ url: server.url, caller: [], tailMs: 60_000, signal: abort.signal });
    abort.abort(); // before the socket has opened
    await expect(report).resolves.toMatchObject({ end: { by: 'caller' } });
  });

  it('greets, answers the caller with a streamed reply, transfers: all timed and played', async () => {
    const server = await startBotServer(async (call) => {
      call.play(wavOf(tone(400, 660)), { mode: 'queue' });
      // The caller speaks from 500 to 1500 ms; answer 200 ms after that.
      await firstValueFrom(call.audio$.pipe(first((frame) => frame.startSample >= 1700 * 8)));
      await call.stream(of(tone(800, 440)), { sampleRate: 8000 }).done;
      call.transfer('101');
    });
    cleanups.push(() => server.close());

    const report = await placeCall({
      url: server.url,
      tenant: 'acme',
      params: { danh_xung: 'anh' },
      caller: [{ atMs: 500, samples: tone(1000, 300) }],
      tailMs: 5000,
    });

    expect(report.violations).toEqual([]);
    expect(report.summary.actions.media).toBe(1);
    expect(report.summary.actions.chunk).toBeGreaterThan(1);
    expect(report.transfer).toMatchObject({ extension: '101' });
    expect(report.end.by).toBe('bot');
    // The greeting (a file) then the reply (a stream) are on the line.
    expect(report.botAudio[0]).toMatchObject({ kind: 'file', startMs: expect.any(Number) });
    expect(report.botAudio[0]!.endMs - report.botAudio[0]!.startMs).toBeCloseTo(400, 0);
    const reply = report.botAudio.find((b) => b.kind === 'stream')!;
    expect(reply.endMs - reply.startMs).toBeGreaterThanOrEqual(800);
    // One utterance, answered about 200 ms after it ended (plus pipeline and network time).
    expect(report.utterances).toHaveLength(1);
    expect(report.utterances[0]!.firstReplyMs).toBeGreaterThan(150);
    // What the caller heard: the decoded MP3 reply is a real 440 Hz tone, not silence.
    const heard = report.heard.subarray(
      Math.round((reply.startMs + 200) * 8),
      Math.round((reply.startMs + 600) * 8),
    );
    expect(rms(heard)).toBeGreaterThan(3000);
    expect(report.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['connected', 'action', 'closed']),
    );
  });

  it('measures barge-in: how long the bot talks on after the caller starts', async () => {
    const server = await startBotServer(async (call) => {
      call.stream(of(tone(6000, 440)), { sampleRate: 8000 });
      await firstValueFrom(call.audio$.pipe(filter((frame) => rms(frame.samples) > 1000)));
      call.interrupt();
    });
    cleanups.push(() => server.close());

    const report = await placeCall({
      url: server.url,
      caller: [{ atMs: 1000, samples: tone(1500, 300) }],
      tailMs: 800,
    });

    expect(report.violations).toEqual([]);
    expect(report.end.by).toBe('caller');
    const [utterance] = report.utterances;
    expect(utterance?.bargeIn).toBeDefined();
    // How soon is a real-time figure (the timing tier and `psr-sim` measure it); here: the
    // bot stopped while the caller was still speaking, and the line stayed silent after.
    expect(utterance!.bargeIn!.botStoppedAfterMs).toBeLessThan(1500);
    expect(report.summary.bargeIns).toBe(1);
    const stoppedAt = utterance!.startMs + utterance!.bargeIn!.botStoppedAfterMs;
    expect(rms(report.heard.subarray(Math.round((stoppedAt + 50) * 8)))).toBe(0);
  });

  it('stereo calls carry the caller on A and what the line plays on B', async () => {
    let sideB = 0;
    const server = await startBotServer(async (call) => {
      call.audio$.pipe(filter((frame) => frame.channel === 'b')).subscribe((frame) => {
        if (rms(frame.samples) > 2000) sideB += frame.samples.length;
      });
      await call.play(wavOf(tone(600))).done;
      await new Promise((resolve) => setTimeout(resolve, 300));
      call.hangup();
    });
    cleanups.push(() => server.close());

    const report = await placeCall({
      url: server.url,
      channel: 'stereo',
      caller: new Int16Array(0),
      tailMs: 3000,
    });
    expect(report.channel).toBe('stereo');
    expect(report.hangup).toBeDefined();
    expect(report.end.by).toBe('bot');
    // PSR echoes the played file on B: about 600 ms of it came back.
    expect(sideB / 8).toBeGreaterThan(450);
    expect(sideB / 8).toBeLessThanOrEqual(620);
  });

  it('runs faster than real time with speed, and reports a server that closes first', async () => {
    const server = await startBotServer(
      async (call) => {
        await firstValueFrom(call.audio$.pipe(first((frame) => frame.startSample >= 8000 * 4)));
        await server.close({ drainTimeoutMs: 0 });
      },
      { call: { maxAudioAheadMs: 60_000 } }, // the caller runs at 8× real time
    );
    const started = Date.now();
    const report = await placeCall({
      url: server.url,
      caller: new Int16Array(8000 * 10),
      speed: 8,
      tailMs: 0,
    });
    expect(report.end.by).toBe('server');
    expect(report.end.code).toBe(1001);
    // 4 s of caller audio went out (the bot waited for them) in less wall time than that.
    expect(report.durationMs).toBeGreaterThanOrEqual(4000);
    expect(Date.now() - started).toBeLessThan(report.durationMs);
  });

  it('hangs up as the caller when its signal aborts', async () => {
    let closedReason: string | undefined;
    const server = await startBotServer(async (call) => {
      closedReason = (await call.closed).reason;
    });
    cleanups.push(() => server.close());
    const report = await placeCall({
      url: server.url,
      caller: new Int16Array(8000 * 30),
      signal: AbortSignal.timeout(300),
    });
    expect(report.end).toMatchObject({ by: 'caller', reason: 'aborted' });
    expect(report.durationMs).toBeLessThan(10_000); // not the 30 s the caller had to say
    await expect.poll(() => closedReason).toBe('psr-closed');
  });

  it('rejects with CONNECT_FAILED when the server refuses the call', async () => {
    const server = await startBotServer(async () => {}, {
      authenticate: () => ({ allow: false, status: 401, reason: 'no token' }),
    });
    cleanups.push(() => server.close());
    const error = await placeCall({ url: server.url, caller: new Int16Array(800) }).catch(
      (e: unknown) => e,
    );
    expect(isTransportError(error) && error.code).toBe('CONNECT_FAILED');
  });
});

describe('queued streams on a real line', () => {
  it('three streams queued back to back play without a gap', async () => {
    // Each sentence's source takes a moment to start, as TTS does.
    const sentence = (hz: number) => timer(15).pipe(map(() => tone(700, hz)));
    const server = await startBotServer(async (call) => {
      call.stream(sentence(300), { sampleRate: 8000 });
      call.stream(sentence(400), { sampleRate: 8000 });
      await call.stream(sentence(500), { sampleRate: 8000 }).done;
      call.hangup();
    });
    cleanups.push(() => server.close());
    const report = await placeCall({ url: server.url, caller: new Int16Array(0), tailMs: 5000 });
    expect(report.violations).toEqual([]);
    // All three sentences reached the caller as one MP3 stream: no codec silence between
    // them (the seam itself, on the server's clock, is the pipeline's virtual-time test).
    const streamed = report.botAudio
      .filter((b) => b.kind === 'stream')
      .reduce((ms, b) => ms + b.endMs - b.startMs, 0);
    expect(streamed).toBeGreaterThanOrEqual(2100);
    expect(streamed).toBeLessThan(2100 + 300);
  });
});

describe('both readings of PSR: does a non-sync media cut a chunk stream?', () => {
  it('a server that sends the file at once is heard talking over itself when media does not cut', async () => {
    const stream = chunkAction(new Uint8Array(tone(500).buffer), { format: 'pcm16' });
    const file = mediaAction(wavOf(tone(300, 660)));
    const raw = await startRawServer([encodeAction(stream), encodeAction(file)]);
    cleanups.push(raw.close);
    const call = (mediaCutsStream: boolean) =>
      placeCall({ url: raw.url, caller: new Int16Array(800), tailMs: 1000, mediaCutsStream });
    const [cut, over] = await Promise.all([call(true), call(false)]);
    expect(cut.talkOver).toEqual([]);
    expect(cut.cuts).toEqual([expect.objectContaining({ by: 'media' })]);
    expect(over.cuts).toEqual([]);
    expect(over.talkOver).toHaveLength(1);
    expect(over.talkOver[0]!.overlapMs).toBeGreaterThanOrEqual(250);
    expect(formatReport(over)).toContain('TALK-OVER');
  });
});

describe('placeCall checks every action strictly', () => {
  it('reports each violation with its code and the offending frame, and goes on', async () => {
    const halfFrame = concatBytes(mp3FramesOf(tone(200))).subarray(0, 100);
    const raw = await startRawServer([
      'this is not json',
      '{"event":"dance","data":{}}',
      '{"event":"media","media":{"payload":"@@@not base64@@@","is_sync":true}}',
      encodeAction(mediaAction(wavOf(tone(200), 16000), { isSync: true })),
      `{"event":"chunk","media":{"payload":"${encodeBase64(halfFrame)}","format":"mp3"}}`,
      `{"event":"media","media":{"payload":"${encodeBase64(wavOf(tone(100)))}","is_sync":true,"volume":3}}`,
      encodeAction(hangupAction()),
      encodeAction(mediaAction(wavOf(tone(100)))),
    ]);
    cleanups.push(raw.close);

    const report = await placeCall({ url: raw.url, caller: new Int16Array(8000) });
    expect(report.violations.map((v) => v.code)).toEqual([
      'INVALID_JSON',
      'UNKNOWN_ACTION',
      'INVALID_BASE64',
      'WAV_FORMAT',
      'MP3_PARTIAL_FRAME',
      'EXTRA_FIELDS',
      'ACTION_AFTER_END',
    ]);
    expect(report.violations[0]!.excerpt).toBe('this is not json');
    expect(report.violations[1]!.message).toContain('dance');
    expect(report.violations[5]!.message).toContain('volume');
    // The bad-rate WAV was still played (converted), the hangup obeyed.
    expect(report.hangup).toBeDefined();
    expect(report.end.by).toBe('bot');
    expect(report.summary.violations).toBe(7);
  });
});

describe('placeCall survives what it cannot play', () => {
  it('a WAV at a rate no resampler takes is a violation, and the call goes on', async () => {
    const wav = wavOf(tone(100), 8000);
    new DataView(wav.buffer).setUint32(24, 401_216, true); // a lying sample rate
    const raw = await startRawServer([
      encodeAction(mediaAction(wav)),
      encodeAction(hangupAction()),
    ]);
    cleanups.push(raw.close);
    const report = await placeCall({ url: raw.url, caller: new Int16Array(800) });
    expect(report.violations.map((v) => v.code)).toContain('WAV_FORMAT');
    expect(report.violations.find((v) => v.message.includes('401216'))).toBeDefined();
    expect(report.hangup).toBeDefined();
  });
});
