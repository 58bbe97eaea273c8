import type { DecodeMode } from '@psrkit/line';
import type { CallSide } from '@psrkit/pipeline';
import type { PsrChannel } from '@psrkit/protocol';
import type { Command } from 'commander';
import { loadCallerAudio } from './caller-audio-file.js';
import {
  channelOption,
  DEFAULT_CALLER,
  decodeOption,
  mediaCutsStreamOption,
  number,
  pair,
  sideOption,
  tty,
  wsUrl,
} from './cli-options.js';
import { formatLoadSummary, runLoad } from './load.js';

/** `psr-sim load <url>`: many concurrent calls and their aggregate figures. */
export function addLoadCommand(program: Command): void {
  program
    .command('load')
    .description('open many concurrent calls and print aggregate figures')
    .argument('<url>', 'the bot server WebSocket URL', wsUrl)
    .option('--calls <n>', 'concurrent calls', number('--calls'), 10)
    .option('--ramp <ms>', 'spread the call starts over this long', number('--ramp'), 1000)
    .option('--duration <ms>', 'length of each call', number('--duration'), 30_000)
    .option('--wav <file>', 'what every caller says (looped)', DEFAULT_CALLER)
    .option('--tenant <name>', 'tenant query parameter', 'load')
    .option('--param <key=value>', 'a dynamic query parameter (repeatable)', pair, {})
    .addOption(channelOption())
    .addOption(sideOption())
    .addOption(decodeOption('none'))
    .addOption(mediaCutsStreamOption())
    .option('--json', 'print the summary as JSON')
    .action(async (url: string, o) => {
      const summary = await runLoad({
        url,
        calls: o.calls,
        rampMs: o.ramp,
        durationMs: o.duration,
        caller: await loadCallerAudio(o.wav),
        tenant: o.tenant,
        params: o.param,
        channel: o.channel as PsrChannel,
        ...(o.side && { side: o.side as CallSide }),
        decode: o.decode as DecodeMode,
        mediaCutsStream: o.mediaCutsStream === 'on',
        ...(tty && {
          onCallEnd: (done: number, total: number) =>
            process.stderr.write(`\rcalls ended ${done}/${total}`),
        }),
      });
      if (tty) process.stderr.write('\n');
      console.log(o.json ? JSON.stringify(summary, null, 2) : formatLoadSummary(summary));
      if (summary.connectFailures > 0 || summary.violations > 0) process.exitCode = 1;
    });
}
