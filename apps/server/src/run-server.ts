import cluster from 'node:cluster';
import { mkdir } from 'node:fs/promises';
import { CommanderError } from 'commander';
import type { Logger } from 'pino';
import { type BotSetup, setUpBot } from './bot-setup.js';
import { createWorkerDirectory, hostCallDirectory } from './cluster-directory.js';
import { ConfigError, parseConfig, type ServerConfig } from './config.js';
import { createLogger } from './logging.js';
import { hostNodeLoads, shareWorkerLoads } from './node-load-cluster.js';
import { recoverRecordings } from './recording-files.js';
import { startReferenceServer, thresholdsOf } from './reference-server.js';
import { openServerCampaigns, type ServerCampaignRun } from './server-campaigns.js';
import { sharesThroughPrimary } from './server-directory.js';
import { type ShutdownSignals, watchShutdownSignals } from './shutdown-signals.js';

/** The configuration, or the exit code of a command line that is wrong (or asked for help). */
function configOrExitCode(argv: readonly string[], env: NodeJS.ProcessEnv): ServerConfig | number {
  try {
    return parseConfig(argv, env, process.stdout.isTTY === true);
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
}

/** Logs a reason the server cannot start (and says it on stderr); returns exit code 2. */
type Fail = (message: string, error?: unknown) => number;

/**
 * The `psrkit-server` command: parses the configuration, then either forks `--workers`
 * processes sharing the port (node:cluster) or runs the server; SIGTERM/SIGINT drain it.
 * Returns the process exit code.
 */
export async function runServer(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const config = configOrExitCode(argv, env);
  if (typeof config === 'number') return config;
  const logger = createLogger(config);
  if (cluster.isPrimary) for (const warning of config.warnings) logger.warn(warning);
  const fail: Fail = (message, error) => {
    logger.fatal({ err: error }, message);
    logger.flush();
    process.stderr.write(`psrkit-server: ${message}\n`);
    return 2;
  };

  if (cluster.isPrimary && config.recordings) {
    // Before any server records into the folder: a .part file there is a crash's leftover.
    try {
      await mkdir(config.recordings, { recursive: true });
      await recoverRecordings(config.recordings, logger);
    } catch (error) {
      return fail(`--recordings: ${(error as Error).message}`, error);
    }
  }
  let setup: BotSetup;
  try {
    setup = await setUpBot(config);
  } catch (error) {
    return fail((error as Error).message, error);
  }
  if (config.workers > 1 && cluster.isPrimary) return superviseWorkers(config, logger);
  try {
    await setup.module.prepare?.();
  } catch (error) {
    return fail(`the bot failed to prepare: ${(error as Error).message}`, error);
  }
  // Listening before the server starts (a signal during its warm-up drains it once it is
  // up) and for good (a second signal while draining — the primary's after a process
  // group's: systemd, `docker stop`, `kill -- -pgid` — must not kill the process before its
  // calls and recordings are done).
  return serve(config, setup, logger, watchShutdownSignals(), fail);
}

/** Runs the server until a signal, then drains it; returns the exit code. */
async function serve(
  config: ServerConfig,
  { module, stages }: BotSetup,
  logger: Logger,
  signals: ShutdownSignals,
  fail: Fail,
): Promise<number> {
  let campaigns: ServerCampaignRun | undefined;
  try {
    campaigns = config.campaigns && (await openServerCampaigns(config.campaigns, logger));
  } catch (error) {
    return fail(`campaigns: ${(error as Error).message}`, error);
  }
  const siblings = cluster.worker ? shareWorkerLoads(cluster.worker.id) : undefined;
  let server: Awaited<ReturnType<typeof startReferenceServer>>;
  try {
    server = await startReferenceServer(config, module.bot, logger, {
      stages,
      ...(module.metrics && { botMetrics: module.metrics }),
      ...(module.tts && { tts: module.tts }),
      // Under --workers, every worker's pages list every worker's calls: the primary's list,
      // or with --redis-url every node's (each worker is a node).
      ...(cluster.isWorker &&
        sharesThroughPrimary(config) && { directory: createWorkerDirectory() }),
      ...(campaigns && { campaigns: campaigns.campaigns }),
      ...(siblings && { siblings }),
    });
  } catch (error) {
    siblings?.close();
    await campaigns?.close();
    if (error instanceof ConfigError) return fail(error.message, error);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      return fail(`cannot listen on ${config.host}:${config.port}: ${code}`, error);
    throw error;
  }
  campaigns?.start(server);
  const signal = await signals.first;
  // No new dials, then the calls drain (their ends recorded), then the store closes.
  await campaigns?.stopDialling();
  await server.shutdown(signals.shutdownOptions(signal, config.drainGraceMs));
  await campaigns?.close();
  siblings?.close();
  logger.flush();
  // A cluster worker stays alive while its IPC channel to the primary is open.
  cluster.worker?.disconnect();
  return 0;
}

/**
 * The primary of `--workers N`: forks the workers, restarts one that dies (after a delay
 * that doubles while they keep dying, up to 30 s), passes SIGTERM and SIGINT on to them
 * (each drains: SIGTERM after its grace; a SIGINT ends the grace) and exits once they all
 * have, and gives up with exit code 2 when a worker exits with 2 (it cannot start: a port
 * in use, a bot that fails to prepare) before any worker has listened.
 */
async function superviseWorkers(config: ServerConfig, logger: Logger): Promise<number> {
  logger.info({ workers: config.workers }, 'starting workers');
  const stopDirectory = sharesThroughPrimary(config) ? hostCallDirectory(cluster) : undefined;
  const loads = hostNodeLoads(cluster, thresholdsOf(config));
  for (let i = 0; i < config.workers; i++) cluster.fork();
  const signals = watchShutdownSignals();
  let stopping = false;
  let exitCode = 0;
  const forward = (signal: NodeJS.Signals) => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (stopping) return; // a repeated signal: the workers are already draining
    stopping = true;
    forward(signal);
  };
  void signals.first.then((signal) => {
    stop(signal);
    // SIGTERM first, then SIGINT: the workers' grace ends now.
    if (signal === 'SIGTERM')
      signals.interrupted.addEventListener('abort', () => forward('SIGINT'), { once: true });
  });
  restartDeadWorkers(
    logger,
    () => stopping,
    () => {
      exitCode = 2;
      stop();
    },
  );
  await new Promise<void>((resolve) => {
    cluster.on('exit', () => {
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) resolve();
    });
  });
  stopDirectory?.();
  loads.stop();
  logger.info('all workers stopped');
  logger.flush();
  if (exitCode === 2)
    process.stderr.write('psrkit-server: a worker could not start (see its log line)\n');
  return exitCode;
}

/**
 * Forks a worker in place of one that died (not while `stopping()`), after a delay that
 * doubles while they keep dying; `cannotStart()` when a worker exits with 2 before any
 * has listened.
 */
function restartDeadWorkers(
  logger: Logger,
  stopping: () => boolean,
  cannotStart: () => void,
): void {
  let listened = false;
  let delayMs = 0;
  let lastDeath = 0;
  cluster.on('listening', () => {
    listened = true;
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping()) return;
    if (code === 2 && !listened) {
      logger.fatal({ worker: worker.process.pid }, 'a worker could not start; stopping');
      cannotStart();
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
      if (!stopping()) cluster.fork();
    }, delayMs).unref();
  });
}
