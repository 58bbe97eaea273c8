// A greeting that addresses the caller the way the campaign asked (`danh_xung`), then,
// after the caller's first turn, a transfer to a person.
//
//   node --import tsx apps/server/dist/bin.js --bot examples/greet-and-transfer.ts
//   npx psr-sim call ws://127.0.0.1:8080/ --param danh_xung=anh
import { createEspeakTts } from '@psrkit/plugin-tts-espeak';
import { detectTurns, loadWebRtcVad } from '@psrkit/plugin-vad';
import type { Bot } from '@psrkit/transport';
import { filter, firstValueFrom } from 'rxjs';

// Engines load once per process; every call shares them.
const tts = await createEspeakTts({ voice: 'en-us' });
const openVad = await loadWebRtcVad();

const bot: Bot = async (call) => {
  // Query parameters come from whoever dialled: keep a name short and plain.
  const name = (call.params['danh_xung'] ?? '').replace(/[^\p{L} ]/gu, '').slice(0, 40);
  const say = (text: string) => call.stream(tts.synthesize(text), { sampleRate: tts.sampleRate }); // resampled, MP3, paced

  say(`Hello ${name}! Thank you for calling. How can I help you today?`);
  // Wait for the caller's first turn to end (700 ms of silence after they spoke).
  await firstValueFrom(
    call.audio().pipe(
      detectTurns({ openVad }),
      filter((turn) => turn.type === 'speech-end'),
    ),
  );
  await say('Thank you. Let me put you through to a colleague.').done;
  call.transfer(call.params['transfer_to'] ?? '101');
};
export default bot;
