// An outbound "autocall": your dialer asks PSR's create-stream API to call a customer and
// connect the call to your bot, which reminds them of an appointment. Here PSR's API is
// the emulator from @psrkit/simulator, so the whole flow runs on one machine:
//
//   npx tsx examples/outbound-call.ts
//
// Against a real PSR, keep the bot server and call `createStream` with your tenant's API
// address and token; `url` must then be an address PSR can reach.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEspeakTts } from '@psrkit/plugin-tts-espeak';
import { createStream } from '@psrkit/protocol';
import {
  type CallReport,
  formatReport,
  loadCallerAudio,
  startPsrApiEmulator,
} from '@psrkit/simulator';
import { type Bot, createPsrServer } from '@psrkit/transport';

const tts = await createEspeakTts({ voice: 'vi' });

/** The bot: on an outbound call the customer is the called party, on side B (`call.audio()` listens there). */
export const reminderBot: Bot = async (call) => {
  const name = (call.params['danh_xung'] ?? 'quý khách').replace(/[^\p{L} ]/gu, '').slice(0, 40);
  const time = (call.params['gio_hen'] ?? '').replace(/[^0-9:h ]/g, '').slice(0, 10);
  const text = `Xin chào ${name}. Chúng tôi nhắc lịch hẹn của ${name} lúc ${time} ngày mai. Xin cảm ơn.`;
  const reminder = call.stream(tts.synthesize(text), { sampleRate: tts.sampleRate });
  if ((await reminder.done).type === 'playback-end') call.hangup();
};

/** Places one call through the API and returns what the callee heard. */
export async function placeReminderCall(): Promise<CallReport> {
  const server = createPsrServer({ port: 0, bot: reminderBot });
  await server.listen();
  // The callee picks up and says "hello" half a second in.
  const hello = await loadCallerAudio(
    fileURLToPath(import.meta.resolve('@psrkit/simulator/samples/hello.wav')),
  );
  // It stays on the line up to 15 s after its "hello": the bot hangs up once it has spoken.
  const api = await startPsrApiEmulator({ tokens: ['T'], callee: hello, call: { tailMs: 15_000 } });
  try {
    const { callId } = await createStream({
      baseUrl: api.url,
      token: 'T',
      url: server.url,
      destination: '0901234567',
      app: 'bot', // connect the callee to the bot (`dial` rings an extension first)
      isSilence: true, // no recorded prompt before the bot speaks
      channel: 'mono_b', // PSR streams the callee's side only
      parameter: { danh_xung: 'chị Lan', gio_hen: '9h30' },
    });
    const placed = api.calls.find((c) => c.request.callId === callId)!;
    const report = await placed.done;
    if (!report) throw new Error(`call ${callId} did not complete`);
    return report;
  } finally {
    await api.close();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  console.log(formatReport(await placeReminderCall()));
