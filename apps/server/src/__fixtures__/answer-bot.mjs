// The demo bot with answer detection that names announcements by their words: the
// simulator's sample speech-to-text knows every recording the create-stream emulator plays.
import { createDemoBot } from '@psrkit/demo-bot';
import { createSampleStt } from '@psrkit/simulator';

const bot = createDemoBot({
  vad: 'webrtc',
  answer: {
    detector: { transcript: { stt: createSampleStt(), language: 'vi' } },
    maxHoldMs: 8000, // announcements are named after ~3 s: never greeted meanwhile
  },
});
export default bot;
export const prepare = bot.prepare;
