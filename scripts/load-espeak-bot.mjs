// The bot of `LOAD_SCENARIO=espeak pnpm bench:load` (scripts/load-espeak.mjs): calls of
// tenant `espeak` speak long eSpeak NG prompts (each synthesised anew, again after every
// barge-in), every other call is the load-test bot streaming its synthetic speech. Both
// behave alike otherwise (one utterance queued ahead, cut by the caller, answer 1.5 s
// later). Built packages only: run `pnpm build` (or bench:load, which builds) first.
//
//   LOAD_ESPEAK_THREADS=2   createEspeakTts's `threads` (0: on the main thread); `none`: no
//                           eSpeak at all, the `espeak` calls stream like the others (the
//                           machine's own figures, for reference)
import { createRequire } from 'node:module';
import { createLoadTestBot, loadTestBotOptionsFromEnv } from '../apps/server/dist/load-test-bot.js';
import { createEspeakTts } from '../packages/plugin-tts-espeak/dist/index.js';

// rxjs as the server resolves it (one copy with the pipeline's).
const { defer, tap } = createRequire(new URL('../apps/server/package.json', import.meta.url))(
  'rxjs',
);

/** Prompts of one long sentence each (80–90 words, ~30 s of speech): one piece of the engine's work. */
const PROMPTS = [
  'Thank you for calling about your order, which left our warehouse early this morning, went through the sorting centre in the afternoon, and will reach your district tomorrow, where a courier will call you about thirty minutes before arriving, so please keep your phone nearby, and if nobody is at home the parcel will wait for you at the nearest pickup point for seven days, after which it comes back to us and we will call you to arrange another delivery at a time that suits you better.',
  'Before we go on, let me read back what we have on file for you, the delivery address in the third district near the market, the phone number ending in four five six, and the payment by card on delivery, and if any of this has changed since your last order please tell me now so that the courier does not go to the wrong place or call a number that no longer answers, which happens more often than you would think.',
];

const threads = process.env.LOAD_ESPEAK_THREADS ?? '2';
const options = loadTestBotOptionsFromEnv();
const streaming = createLoadTestBot(options);
let speaking;
let promptSeconds;

/** Seconds from asking eSpeak NG for a prompt to its last sample, per prompt synthesised to the end. */
export function metrics(meter) {
  promptSeconds = meter.histogram(
    'espeak_prompt_seconds',
    'From asking eSpeak NG for a prompt to its last sample, seconds',
    [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
  );
}

export async function prepare() {
  await streaming.prepare();
  if (threads === 'none') {
    speaking = streaming;
    return;
  }
  const tts = await createEspeakTts({ threads: Number(threads) });
  const utterance = (index) =>
    defer(() => {
      const started = performance.now();
      return tts
        .synthesize(PROMPTS[index % PROMPTS.length])
        .pipe(
          tap({ complete: () => promptSeconds?.observe((performance.now() - started) / 1000) }),
        );
    });
  speaking = createLoadTestBot({ ...options, speech: { sampleRate: tts.sampleRate, utterance } });
}

export default function bot(call, context) {
  return (call.tenant === 'espeak' ? speaking : streaming)(call, context);
}
