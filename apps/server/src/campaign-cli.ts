import {
  CampaignError,
  type CampaignInfo,
  exportResults,
  formatSummary,
  OUTCOMES,
  summarise,
} from '@psrkit/campaign';
import { Command, CommanderError, Option } from 'commander';
import { CampaignRunProblems, campaignRunConfigOf, openEngine } from './campaign-config.js';
import { CampaignRunError, createCampaign, runCampaign } from './campaign-run.js';
import { CAMPAIGN_SETTINGS } from './campaign-settings.js';
import { ConfigError, settingsCommand } from './config.js';
import { SETTINGS, type Setting } from './settings.js';
import { VERSION } from './version.js';

/** What a command needs of the world: its streams, environment and a stop signal. */
export interface CampaignCliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly isTty: boolean;
  readonly signal: AbortSignal;
}

/** The store a command outside `run` opens: `--db`, or `--redis-url`. */
function storeOptions(command: Command): Command {
  return command
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .addOption(
      new Option(
        '--db <path>',
        'the embedded engine’s database file (env: PSRKIT_CAMPAIGN_DB)',
      ).default('campaign.db'),
    )
    .addOption(
      new Option('--redis-url <url>', 'the campaign on BullMQ over Redis (env: PSRKIT_REDIS_URL)'),
    );
}

async function withEngine<T>(
  opts: { db?: string; redisUrl?: string },
  env: NodeJS.ProcessEnv,
  work: (engine: Awaited<ReturnType<typeof openEngine>>) => Promise<T>,
): Promise<T> {
  const engine = await openEngine({
    db:
      env['PSRKIT_CAMPAIGN_DB'] && opts.db === 'campaign.db'
        ? env['PSRKIT_CAMPAIGN_DB']
        : (opts.db ?? 'campaign.db'),
    redisUrl: opts.redisUrl ?? env['PSRKIT_REDIS_URL'],
    doNotCall: undefined,
  });
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

/** One line a campaign: its state, a progress bar and its counts. */
export function statusLine(info: CampaignInfo): string {
  const { counts } = info;
  const done = counts.contacts === 0 ? 1 : counts.settled / counts.contacts;
  const bar = `${'#'.repeat(Math.round(done * 20))}${'.'.repeat(20 - Math.round(done * 20))}`;
  const outcomes = OUTCOMES.filter((outcome) => counts.outcomes[outcome])
    .map((outcome) => `${outcome} ${counts.outcomes[outcome]}`)
    .join(', ');
  return `${info.spec.id} ${info.state} [${bar}] ${Math.floor(done * 100)}% — ${counts.settled}/${counts.contacts} contacts settled, ${counts.inFlight} in flight, ${counts.attempts} attempts${outcomes ? ` (${outcomes})` : ''}`;
}

/** `psrkit-campaign`: run, status, export, and the lifecycle commands on a stored campaign. */
export function campaignProgram(io: CampaignCliIo, exit: (code: number) => void): Command {
  const program = new Command('psrkit-campaign')
    .description('Outbound call campaigns on PSR: contacts in, results out.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (text) => io.stdout(text) });
  const run = settingsCommand(
    new Command('run')
      .description(
        'store (or resume) the campaign of a contacts file and run it to the end: a psrkit server for the calls it places',
      )
      .argument('<contacts>', 'a CSV or JSON Lines file with a phone column'),
    [...(SETTINGS as readonly Setting[]), ...(CAMPAIGN_SETTINGS as readonly Setting[])],
  ).action(async (contacts: string, _opts, command: Command) => {
    const config = campaignRunConfigOf(command, contacts, io.env, io.isTty);
    const end = await runCampaign(config, io.signal);
    exit(end === 'stopped' ? 1 : 0);
  });
  program.addCommand(run);
  const create = settingsCommand(
    new Command('create')
      .description(
        'store the campaign of a contacts file as a draft, dialling nothing (then `start`, and `run` dials it)',
      )
      .argument('<contacts>', 'a CSV or JSON Lines file with a phone column'),
    [...(SETTINGS as readonly Setting[]), ...(CAMPAIGN_SETTINGS as readonly Setting[])],
  ).action(async (contacts: string, _opts, command: Command) => {
    const config = campaignRunConfigOf(command, contacts, io.env, io.isTty, false);
    io.stdout(`${statusLine(await createCampaign(config))}\n`);
  });
  program.addCommand(create);
  program.addCommand(
    storeOptions(
      new Command('status').description('every stored campaign, or one, with its progress'),
    )
      .argument('[id]')
      .action(async (id: string | undefined, opts) => {
        await withEngine(opts, io.env, async (engine) => {
          const list = id
            ? [await engine.get(id)].filter((c) => c !== undefined)
            : await engine.list();
          if (id && list.length === 0)
            throw new CampaignError('NOT_FOUND', `no campaign ${JSON.stringify(id)}`);
          for (const info of list) io.stdout(`${statusLine(info)}\n`);
        });
      }),
  );
  for (const verb of ['start', 'pause', 'resume', 'cancel'] as const)
    program.addCommand(
      storeOptions(new Command(verb).description(`${verb} a stored campaign`))
        .argument('<id>')
        .action(async (id: string, opts) => {
          await withEngine(opts, io.env, async (engine) =>
            io.stdout(`${statusLine(await engine[verb](id))}\n`),
          );
        }),
    );
  program.addCommand(
    storeOptions(
      new Command('export').description('write every attempt of a campaign, with a summary'),
    )
      .argument('<id>')
      .requiredOption('--out <file>', 'a .csv or .jsonl file')
      .action(async (id: string, opts) => {
        await withEngine(opts, io.env, async (engine) => {
          const info = await engine.get(id);
          if (!info) throw new CampaignError('NOT_FOUND', `no campaign ${JSON.stringify(id)}`);
          const attempts = await exportResults(engine, id, opts.out);
          io.stdout(
            `${attempts.length} attempts written to ${opts.out}\n${formatSummary(summarise(attempts, info.counts.contacts))}\n`,
          );
        });
      }),
  );
  return program;
}

/** Runs the command line; every problem is one line on stderr and exit code 2. */
export async function runCampaignCli(argv: readonly string[], io: CampaignCliIo): Promise<number> {
  let code = 0;
  const program = campaignProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(['node', 'psrkit-campaign', ...argv]);
    return code;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  const line = (text: string) =>
    process.stderr.write(`psrkit-campaign: ${text.replace(/\s*\n\s*/g, ' ')}\n`);
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    )
      return 0;
    line(`${error.message.replace(/^error: /, '').trim()} (see psrkit-campaign --help)`);
  } else if (error instanceof CampaignRunProblems) {
    for (const problem of error.lines) process.stderr.write(`psrkit-campaign: ${problem}\n`);
  } else if (
    error instanceof ConfigError ||
    error instanceof CampaignRunError ||
    CampaignError.isInstance(error)
  ) {
    line((error as Error).message);
  } else throw error;
  return 2;
}
