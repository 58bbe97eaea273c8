import type { CallStages } from '@psrkit/transport';
import type { ServerConfig } from './config.js';
import { type BotModule, loadBot } from './load-bot.js';
import { loadStages } from './load-stages.js';

/** The bot module and the audio stages a server runs (not prepared yet). */
export interface BotSetup {
  readonly module: BotModule;
  readonly stages: CallStages;
}

/**
 * Imports the bot (`--bot`) and the stage plugins (`--inbound-stage`, `--outbound-stage`).
 * @throws {Error} with a message for one line: what could not be loaded, and why
 */
export async function setUpBot(config: ServerConfig): Promise<BotSetup> {
  let module: BotModule;
  try {
    module = await loadBot(config.bot);
  } catch (error) {
    throw new Error(`cannot load the bot: ${(error as Error).message}`, { cause: error });
  }
  return {
    module,
    stages: {
      inbound: await loadStages(config.inboundStages, '--inbound-stage'),
      outbound: await loadStages(config.outboundStages, '--outbound-stage'),
    },
  };
}
