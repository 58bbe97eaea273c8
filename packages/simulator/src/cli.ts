import { isProtocolError } from '@psrkit/protocol';
import { isTransportError } from '@psrkit/transport';
import { Command, CommanderError } from 'commander';
import { addCallCommand } from './cli-call.js';
import { addLoadCommand } from './cli-load.js';
import { addScenarioCommand } from './cli-scenario.js';
import { addServeApiCommand } from './cli-serve-api.js';
import { SimulatorError } from './errors.js';
import { VERSION } from './version.js';

/** psr-sim's command line: `call`, `scenario`, `load` and `serve-api`. */
export function buildProgram(): Command {
  const program = new Command('psr-sim')
    .description(
      'A local PSR: places emulated calls against a bot server and reports what the caller heard.',
    )
    .version(VERSION)
    // Errors are one line from `main` (exit code 2), never a help dump; subcommands inherit this.
    .exitOverride()
    .configureOutput({ writeErr: () => {} });

  addCallCommand(program);
  addScenarioCommand(program);
  addLoadCommand(program);
  addServeApiCommand(program);
  return program;
}

/** Runs the CLI; typed errors become one line on stderr and exit code 2. */
export async function main(argv = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return;
      console.error(`psr-sim: ${error.message.replace(/^error: /, '')} (see psr-sim --help)`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof SimulatorError || isTransportError(error) || isProtocolError(error)) {
      console.error(`psr-sim: ${error.code}: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
