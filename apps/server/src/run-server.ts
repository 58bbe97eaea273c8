import cluster from 'node:cluster';
import { CommanderError } from 'commander';
import { ConfigError, parseConfig } from './config.js';
import { loadBot } from './load-bot.js';
import { createLogger } from './logging.js';
import { startReferenceServer } from './reference-server.js';

/**
 * The `psrkit-server` command: parses the configuration, then either forks `--workers`
 * processes sharing the port (node:cluster) or runs the server; SIGTERM/SIGINT drain it.
 * Returns the process exit code.
 */
export async function runServer(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(argv, env, process.stdout.isTTY === true);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      process.stderr.write(
        `psrkit-server: ${error.message.replace(/^error: /, '')}\n(see psrkit-server --help)\n`,
      );
      return 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`psrkit-server: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger(config);

  if (config.workers > 1 && cluster.isPrimary) {
    logger.info({ workers: config.workers }, 'starting workers');
    for (let i = 0; i < config.workers; i++) cluster.fork();
    let stopping = false;
    const stop = () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      logger.error({ worker: worker.process.pid, code, signal }, 'worker died; starting another');
      cluster.fork();
    });
    await new Promise<void>((resolve) => {
      const check = () => {
        if (stopping && Object.keys(cluster.workers ?? {}).length === 0) resolve();
      };
      cluster.on('exit', check);
    });
    logger.info('all workers stopped');
    logger.flush();
    return 0;
  }

  let module: Awaited<ReturnType<typeof loadBot>>;
  try {
    module = await loadBot(config.bot);
    await module.prepare?.();
  } catch (error) {
    logger.fatal({ err: error }, 'cannot load the bot');
    logger.flush();
    return 2;
  }
  const server = await startReferenceServer(config, module.bot, logger);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await server.shutdown();
  logger.flush();
  // A cluster worker stays alive while its IPC channel to the primary is open.
  cluster.worker?.disconnect();
  return 0;
}
