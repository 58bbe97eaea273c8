import { createDemoBot } from './demo-bot.js';
import { demoBotOptionsFromEnv } from './demo-bot-options.js';

export { createDemoBot } from './demo-bot.js';
export {
  type DemoAnswerOptions,
  type DemoBotOptions,
  type DemoVad,
  demoBotOptionsFromEnv,
} from './demo-bot-options.js';

/** The demo bot configured from the environment: the reference server's default bot. */
const bot = createDemoBot(demoBotOptionsFromEnv());
export default bot;
export const prepare = bot.prepare;
/** The bot's TTS once prepared: the reference server's `say` command speaks with it. */
export const tts = bot.tts;
