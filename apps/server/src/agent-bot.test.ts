// `psrkit-server --bot @psrkit/agent`, configured by the environment, against a local
// OpenAI-compatible service (streamed chat completions with a tool call; transcriptions),
// a local OpenAI-compatible speech endpoint (the agent's default voice) and the emulator:
// the caller's words reach the model, the reply is heard, and the model's `transfer`
// transfers; a greeting is synthesised once per distinct text, whatever the number of calls.
// A missing setting is one line and exit code 2.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startOpenAiSpeechServer } from '@psrkit/plugin-tts-openai/testing';
import { createStream } from '@psrkit/protocol';
import {
  type CallReport,
  loadCallerAudio,
  placeCall,
  startPsrApiEmulator,
} from '@psrkit/simulator';
import { describe, expect, it } from 'vitest';
import { startOpenAiCompatibleServer } from '../../../packages/agent/src/__fixtures__/openai-compatible-server.js';
import { root, spawnServer } from './__fixtures__/spawn-server.js';

type ChatService = Awaited<ReturnType<typeof startOpenAiCompatibleServer>>;

/**
 * The agent on a server of its own, its chat model and recogniser `service`, its voice a
 * local speech endpoint, its prompt cache in a folder of its own; `stop()` stops all three.
 */
async function startAgent(service: ChatService, env: Record<string, string>) {
  const speech = await startOpenAiSpeechServer();
  const cache = mkdtempSync(join(tmpdir(), 'psrkit-tts-cache-'));
  const stopSpeech = async () => {
    await speech.close();
    rmSync(cache, { recursive: true, force: true });
  };
  try {
    const server = await spawnServer(['--bot', '@psrkit/agent'], {
      env: {
        PSRKIT_LLM_BASE_URL: `${service.url}/v1`,
        PSRKIT_LLM_MODEL: 'local-chat',
        PSRKIT_STT_BASE_URL: service.url,
        PSRKIT_AGENT_VAD: 'webrtc',
        PSRKIT_TTS_BASE_URL: speech.url,
        PSRKIT_TTS_CACHE_DIR: cache,
        ...env,
      },
    });
    return {
      server,
      speech,
      async stop() {
        try {
          await server.stop();
        } finally {
          await stopSpeech();
          await service.close();
        }
      },
    };
  } catch (error) {
    await stopSpeech();
    await service.close();
    throw error;
  }
}

const sample = (name: string) =>
  fileURLToPath(import.meta.resolve(`@psrkit/simulator/samples/${name}`));

describe.concurrent('psrkit-server --bot @psrkit/agent', () => {
  it('talks with the caller through a chat model and transfers when the model calls the tool', async () => {
    const service = await startOpenAiCompatibleServer({
      transcripts: ['I would like to speak to a person please.'],
      replies: [
        {
          text: 'Of course, I am transferring you now.',
          toolCall: { name: 'transfer', arguments: { extension: '101' } },
        },
      ],
    });
    const { server, speech, stop } = await startAgent(service, {
      PSRKIT_LLM_API_KEY: 'sk-local',
      PSRKIT_AGENT_GREETING: 'Hello {danh_xung}, how can I help?',
    });
    try {
      const hello = await loadCallerAudio(
        fileURLToPath(import.meta.resolve('@psrkit/simulator/samples/hello.wav')),
      );
      const report = await placeCall({
        url: server.url,
        params: { danh_xung: 'anh Nam' },
        caller: [{ atMs: 3500, samples: hello }],
        tailMs: 12_000,
      });
      expect(service.transcriptions).toEqual([
        { model: 'whisper-1', language: 'en', authorization: 'Bearer sk-local' },
      ]);
      expect(service.chats).toHaveLength(1);
      const [chat] = service.chats;
      expect(chat!.model).toBe('local-chat');
      expect(chat!.tools?.map((t) => t.function.name)).toEqual(['transfer', 'hangup']);
      expect(chat!.messages.map((m) => [m.role, m.content])).toEqual([
        ['system', expect.stringContaining('Address the caller as anh Nam')],
        ['assistant', 'Hello anh Nam, how can I help?'],
        ['user', 'I would like to speak to a person please.'],
      ]);
      expect(report.summary.violations).toBe(0);
      expect(report.summary.firstReplyMs).toHaveLength(1); // the reply was heard
      expect(report.transfer?.extension).toBe('101');
      // Its voice: the speech endpoint, with the LLM's key (no PSRKIT_TTS_API_KEY given).
      expect(speech.requests.map((r) => [r.input, r.authorization])).toEqual([
        ['Hello anh Nam, how can I help?', 'Bearer sk-local'],
        ['Of course, I am transferring you now.', 'Bearer sk-local'],
      ]);
      // The agent's per-turn latencies, on the server's /metrics.
      const metrics = await (
        await fetch(server.url.replace(/^ws/, 'http').replace(/\/$/, '/metrics'))
      ).text();
      for (const name of ['stt', 'first_token', 'voice_to_voice'])
        expect(metrics).toMatch(new RegExp(`^psrkit_bot_agent_${name}_seconds_count 1$`, 'm'));
    } finally {
      await stop();
    }
  }, 60_000);

  it('a barge-in trims the next request’s assistant message to what the caller heard', async () => {
    const long =
      'Our new plan gives you twice the data for the same price every month, with calls to thirty countries included, and a family option for up to five phones on a single bill.';
    const service = await startOpenAiCompatibleServer({
      transcripts: ['Tell me about your plans.', 'Wait, how much is it?'],
      replies: [{ text: long }, { text: 'It is ten dollars a month.' }],
    });
    const { server, stop } = await startAgent(service, {});
    try {
      const sample = (name: string) =>
        loadCallerAudio(
          fileURLToPath(import.meta.resolve(`@psrkit/simulator/samples/${name}.wav`)),
        );
      const report = await placeCall({
        url: server.url,
        caller: [
          { atMs: 500, samples: await sample('hello') },
          // A few seconds into the long answer (~12 s), which a busy machine starts late.
          { atMs: 9500, samples: await sample('interrupt') },
        ],
        tailMs: 6000,
      });
      expect(report.summary.bargeIns).toBeGreaterThanOrEqual(1);
      expect(service.chats).toHaveLength(2);
      const assistant = service.chats[1]!.messages.find((m) => m.role === 'assistant');
      const content = String(assistant?.content);
      expect(content).toMatch(/ \[interrupted by the caller\]$/);
      const heard = content.replace(/ \[interrupted by the caller\]$/, '');
      expect(heard.length).toBeGreaterThan(0);
      expect(heard.length).toBeLessThan(long.length);
      expect(long.startsWith(heard)).toBe(true);
      expect(service.chats[1]!.messages.at(-1)).toEqual({
        role: 'user',
        content: 'Wait, how much is it?',
      });
    } finally {
      await stop();
    }
  }, 60_000);

  it('PSRKIT_DETECT_ANSWER=hold: a voicemail hears PSRKIT_VOICEMAIL_MESSAGE after its beep, never the greeting', async () => {
    const service = await startOpenAiCompatibleServer({ transcripts: [], replies: [] });
    const { server, stop } = await startAgent(service, {
      PSRKIT_AGENT_GREETING: 'Hello {danh_xung}, this is Acme.',
      PSRKIT_DETECT_ANSWER: 'hold',
      PSRKIT_DETECT_ANSWER_USE: 'cadence',
      PSRKIT_VOICEMAIL_MESSAGE: 'Hello {danh_xung}, please call Acme back.',
    });
    const api = await startPsrApiEmulator({
      tokens: ['t'],
      callees: { default: { type: 'voicemail', ringMs: 100, maxMs: 20_000 } },
    });
    try {
      await createStream({
        baseUrl: api.url,
        token: 't',
        url: server.url,
        destination: '0903000001',
        app: 'bot',
        channel: 'mono_b',
        isSilence: true,
        parameter: { danh_xung: 'anh Nam' },
      });
      const report = (await api.calls[0]?.done) as CallReport;
      const greetingMs = (await loadCallerAudio(sample('answers/voicemail-vi.wav'))).length / 8;
      expect(report.botAudio.length).toBeGreaterThan(0);
      expect(report.botAudio[0]!.startMs).toBeGreaterThanOrEqual(greetingMs); // after the beep
      expect(report.hangup).toBeDefined();
      expect(service.chats).toEqual([]); // no conversation with a machine
      expect(service.transcriptions).toEqual([]); // cadence: no request
      const verdict = server.logs.find((l) => l['msg'] === 'answered by voicemail');
      expect(verdict).toMatchObject({ answered_by: 'voicemail', mode: 'hold' });
    } finally {
      await api.close({ hangUp: true });
      await stop();
    }
  }, 60_000);

  it('a voice with two variables, its greeting synthesised once per distinct text over many calls', async () => {
    const service = await startOpenAiCompatibleServer({ transcripts: [], replies: [] });
    const { server, speech, stop } = await startAgent(service, {
      PSRKIT_TTS: 'openai',
      PSRKIT_TTS_API_KEY: 'tts-key',
      PSRKIT_AGENT_LANGUAGE: 'vi',
      PSRKIT_AGENT_GREETING: 'Xin chào {danh_xung}, em gọi từ ACME.',
    });
    try {
      // Four calls at once, each caller on the line for 10 s: long past the greeting on a
      // busy machine; the three with one form of address share one synthesis.
      const reports = await Promise.all(
        ['anh Nam', 'anh Nam', 'chị Lan', 'anh Nam'].map((name) =>
          placeCall({
            url: server.url,
            params: { danh_xung: name },
            caller: new Int16Array(0),
            tailMs: 10_000,
          }),
        ),
      );
      const asked = speech.requests.map((r) => [r.input, r.authorization]);
      expect(asked.sort()).toEqual([
        ['Xin chào anh Nam, em gọi từ ACME.', 'Bearer tts-key'],
        ['Xin chào chị Lan, em gọi từ ACME.', 'Bearer tts-key'],
      ]);
      // Every caller heard the whole greeting (65 ms a character from the speech endpoint).
      for (const report of reports) expect(report.summary.botAudioMs).toBeGreaterThan(2000);
    } finally {
      await stop();
    }
  }, 90_000);

  it('a missing setting is one line naming the variable, exit code 2', async () => {
    const result = await promisify(execFile)(
      process.execPath,
      [
        `${root}apps/server/dist/bin.js`,
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--bot',
        '@psrkit/agent',
      ],
      { env: { ...process.env, PSRKIT_LLM_MODEL: '' }, timeout: 30_000 },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(result).toMatchObject({ code: 2 });
    expect((result as { stderr: string }).stderr.trim().split('\n')).toEqual([
      'psrkit-server: the bot failed to prepare: PSRKIT_LLM_MODEL: is required: the chat model, e.g. gpt-4o-mini',
    ]);
  });
});
