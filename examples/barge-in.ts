// Turn-taking with barge-in: the bot reads a long offer; the moment the caller speaks it
// falls silent (the caller hears at most the 200 ms already sent), and when the caller's
// turn ends it answers. Silero VAD finds the turns (robust to line noise).
//
//   node --import tsx apps/server/dist/bin.js --bot examples/barge-in.ts
//   npx psr-sim call ws://127.0.0.1:8080/
import { createEspeakTts } from '@psrkit/plugin-tts-espeak';
import { detectTurns } from '@psrkit/plugin-vad';
import { loadSileroVad } from '@psrkit/plugin-vad-silero';
import type { Bot } from '@psrkit/transport';

const tts = await createEspeakTts({ voice: 'en-us' });
const openVad = await loadSileroVad();

const OFFER =
  'Good morning! We have three new plans this month. The first gives you twice the data ' +
  'for the same price. The second adds international calls to thirty countries. The third ' +
  'is a family plan for up to five phones, with one bill and a shared allowance.';

const bot: Bot = async (call) => {
  const say = (text: string) => call.stream(tts.synthesize(text), { sampleRate: tts.sampleRate });
  say(OFFER);
  const turns = call
    .audio()
    .pipe(detectTurns({ openVad }))
    .subscribe((turn) => {
      if (turn.type === 'speech-start') {
        call.interrupt(); // stop talking now, and drop what was queued
        return;
      }
      const seconds = (turn.audio.length / turn.sampleRate).toFixed(1);
      say(`Sorry, go ahead. I heard you for ${seconds} seconds.`);
    });
  await call.closed; // the subscription ends with the call
  turns.unsubscribe();
};
export default bot;
