import { createDemoBot, demoBotOptionsFromEnv } from './demo-bot.js';

export {
  createDemoBot,
  type DemoBotOptions,
  type DemoVad,
  demoBotOptionsFromEnv,
} from './demo-bot.js';

/** The demo bot configured from the environment: the reference server's default bot. */
const bot = createDemoBot(demoBotOptionsFromEnv());
export default bot;
export const prepare = bot.prepare;
