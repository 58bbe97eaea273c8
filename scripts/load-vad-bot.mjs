// The bot of `LOAD_VAD=off,silero pnpm bench:load`: the load-test bot, and on every call the
// agent's VAD (`detectTurns` with Silero, as `@psrkit/agent` runs it) on the caller's audio
// for the whole call — what turning the agent's VAD on adds to a call. The load-test bot's
// own barge-in stays as it is, so both runs put the same traffic on the line. Built
// packages only: run `pnpm build` (or bench:load, which builds) first.
//
//   LOAD_VAD_ENGINE=silero             Silero, batched across the process's calls (the default)
//   LOAD_VAD_ENGINE=silero-one-by-one  Silero, one inference per frame (`batch: false`)
//   LOAD_VAD_ENGINE=webrtc             the WebRTC VAD
import { createLoadTestBot, loadTestBotOptionsFromEnv } from '../apps/server/dist/load-test-bot.js';
import { detectTurns, loadWebRtcVad } from '../packages/plugin-vad/dist/index.js';
import { loadSileroVad } from '../packages/plugin-vad-silero/dist/index.js';

const engine = process.env.LOAD_VAD_ENGINE ?? 'silero';
const talking = createLoadTestBot(loadTestBotOptionsFromEnv());
let openVad;

export async function prepare() {
  await talking.prepare();
  if (engine === 'silero') openVad = await loadSileroVad();
  else if (engine === 'silero-one-by-one') openVad = await loadSileroVad({ batch: false });
  else if (engine === 'webrtc') openVad = await loadWebRtcVad();
  else throw new Error(`LOAD_VAD_ENGINE: silero, silero-one-by-one or webrtc, got ${engine}`);
}

export default async function bot(call, context) {
  // The turns are not used: the figure is the VAD's cost on a talking call.
  const hearing = call
    .audio()
    .pipe(detectTurns({ openVad }))
    .subscribe({
      error: (error) => console.error(`load-vad-bot: the VAD failed: ${error.message}`),
    });
  try {
    await talking(call, context);
  } finally {
    hearing.unsubscribe();
  }
}
