import cluster from 'node:cluster';
import { mkdir } from 'node:fs/promises';
import { CommanderError } from 'commander';
import type { Logger } from 'pino';
import { type BotSetup, setUpBot } from './bot-setup.js';
import { createWorkerDirectory, hostCallDirectory } from './cluster-directory.js';
import { ConfigError, parseConfig } from './config.js';
import { createLogger } from './logging.js';
import { recoverRecordings } from './recording-files.js';
import { startReferenceServer } from './reference-server.js';
import { openServerCampaigns, type ServerCampaignRun } from './server-campaigns.js';

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
        `psrkit-server: ${error.message.replace(/^error: /, '').trim()} (see psrkit-server --help)\n`,
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
  if (cluster.isPrimary) for (const warning of config.warnings) logger.warn(warning);
  const fail = (message: string, error?: unknown): number => {
    logger.fatal({ err: error }, message);
    logger.flush();
    process.stderr.write(`psrkit-server: ${message}\n`);
    return 2;
  };

  if (cluster.isPrimary) {
    // Before any server records into the folder: a .part file there is a crash's leftover.
    if (config.recordings) {
      try {
        await mkdir(config.recordings, { recursive: true });
        await recoverRecordings(config.recordings, logger);
      } catch (error) {
        return fail(`--recordings: ${(error as Error).message}`, error);
      }
    }
  }
  let setup: BotSetup;
  try {
    setup = await setUpBot(config);
  } catch (error) {
    return fail((error as Error).message, error);
  }
  const { module, stages } = setup;
  if (config.workers > 1 && cluster.isPrimary)
    return superviseWorkers(config.workers, logger, config.adminTokens.length > 0);

  try {
    await module.prepare?.();
  } catch (error) {
    return fail(`the bot failed to prepare: ${(error as Error).message}`, error);
  }
  // Listening before the server starts (a signal during its warm-up drains it once it is
  // up) and for good (a second signal while draining — the primary's after a process
  // group's: systemd, `docker stop`, `kill -- -pgid` — must not kill the process before its
  // calls and recordings are done).
  const signalled = new Promise<void>((resolve) => {
    process.on('SIGTERM', resolve);
    process.on('SIGINT', resolve);
  });
  let campaigns: ServerCampaignRun | undefined;
  try {
    campaigns = config.campaigns && (await openServerCampaigns(config.campaigns, logger));
  } catch (error) {
    return fail(`campaigns: ${(error as Error).message}`, error);
  }
  let server: Awaited<ReturnType<typeof startReferenceServer>>;
  try {
    server = await startReferenceServer(config, module.bot, logger, {
      stages,
      ...(module.metrics && { botMetrics: module.metrics }),
      ...(module.tts && { tts: module.tts }),
      // Under --workers, every worker's pages list every worker's calls (the primary's list).
      ...(cluster.isWorker &&
        config.adminTokens.length > 0 && { directory: createWorkerDirectory() }),
      ...(campaigns && { campaigns: campaigns.campaigns }),
    });
  } catch (error) {
    await campaigns?.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      return fail(`cannot listen on ${config.host}:${config.port}: ${code}`, error);
    throw error;
  }
  campaigns?.start(server);
  await signalled;
  // No new dials, then the calls drain (their ends recorded), then the store closes.
  await campaigns?.stopDialling();
  await server.shutdown();
  await campaigns?.close();
  logger.flush();
  // A cluster worker stays alive while its IPC channel to the primary is open.
  cluster.worker?.disconnect();
  return 0;
}

/**
 * The primary of `--workers N`: forks the workers, restarts one that dies (after a delay
 * that doubles while they keep dying, up to 30 s), stops them all on SIGTERM/SIGINT, and
 * gives up with exit code 2 when a worker exits with 2 (it cannot start: a port in use, a
 * bot that fails to prepare) before any worker has listened.
 */
async function superviseWorkers(
  count: number,
  logger: Logger,
  withDirectory: boolean,
): Promise<number> {
  logger.info({ workers: count }, 'starting workers');
  const stopDirectory = withDirectory ? hostCallDirectory(cluster) : undefined;
  for (let i = 0; i < count; i++) cluster.fork();
  let stopping = false;
  let listened = false;
  let exitCode = 0;
  let delayMs = 0;
  let lastDeath = 0;
  const stop = () => {
    if (stopping) return; // a repeated signal: the workers are already draining
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  cluster.on('listening', () => {
    listened = true;
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (code === 2 && !listened) {
      logger.fatal({ worker: worker.process.pid }, 'a worker could not start; stopping');
      exitCode = 2;
      stop();
      return;
    }
    // Back off while workers keep dying; a worker that lived a minute resets the delay.
    const now = Date.now();
    delayMs = now - lastDeath > 60_000 ? 500 : Math.min(30_000, delayMs * 2);
    lastDeath = now;
    logger.error(
      { worker: worker.process.pid, code, signal, restart_in_ms: delayMs },
      'worker died; starting another',
    );
    setTimeout(() => {
      if (!stopping) cluster.fork();
    }, delayMs).unref();
  });
  await new Promise<void>((resolve) => {
    const check = () => {
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) resolve();
    };
    cluster.on('exit', check);
  });
  stopDirectory?.();
  logger.info('all workers stopped');
  logger.flush();
  if (exitCode === 2)
    process.stderr.write('psrkit-server: a worker could not start (see its log line)\n');
  return exitCode;
}
