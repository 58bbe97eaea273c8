import { AsyncLocalStorage } from 'node:async_hooks';
import { config } from 'rxjs';
import type { Call, CallController } from './call-types.js';
import type { TransportLogger } from './logger.js';

/** What a bot gets besides its call. */
export interface BotContext {
  /** A logger whose lines carry `call_id` and `tenant`. */
  readonly logger: TransportLogger;
  /** Aborted when the call ends. */
  readonly signal: AbortSignal;
}

/**
 * What a bot module may record on its server's metrics (the reference server's `/metrics`):
 * histograms it names, created once when the server starts. Export
 * `metrics(meter: BotMeter)` from the bot module to get one.
 */
export interface BotMeter {
  /** A histogram `psrkit_bot_<name>` (snake_case name; seconds by convention). */
  histogram(
    name: string,
    help: string,
    buckets: readonly number[],
  ): { observe(value: number): void };
}

/** A voice bot: programs one call. Throwing or rejecting ends the call by its error policy. */
export type Bot = (call: Call, context: BotContext) => void | Promise<void>;

/** The call whose code is running: set around every frame and bot callback. */
const running = new AsyncLocalStorage<CallController>();
let rxjsHookInstalled = false;

/**
 * Routes errors thrown in a bot's RxJS subscriber callbacks (which RxJS rethrows on a
 * timer, crashing the process) to the call whose code threw them. Installed once, by
 * the first server; an `onUnhandledError` set before is still called for other errors.
 */
export function routeRxjsErrorsToCalls(): void {
  if (rxjsHookInstalled) return;
  rxjsHookInstalled = true;
  const previous = config.onUnhandledError;
  config.onUnhandledError = (error: unknown) => {
    const controller = running.getStore();
    if (controller) controller.fail(error);
    else if (previous) previous(error);
    else
      setTimeout(() => {
        throw error;
      });
  };
}

/** Runs `work` as code of this call (see {@link routeRxjsErrorsToCalls}). */
export function asCall<T>(controller: CallController, work: () => T): T {
  return running.run(controller, work);
}

/** Starts the bot on its call; a throw or rejection fails the call, never the process. */
export function runBot(bot: Bot, controller: CallController, logger: TransportLogger): void {
  const { call } = controller;
  asCall(controller, () => {
    try {
      const result = bot(call, { logger, signal: call.signal });
      if (result && typeof result.then === 'function')
        result.then(undefined, (error: unknown) =>
          asCall(controller, () => controller.fail(error)),
        );
    } catch (error) {
      controller.fail(error);
    }
  });
}
