import { formatReport, loadCallerAudio, placeCall } from '@psrkit/simulator';
import { consoleLogger, createPsrServer } from '@psrkit/transport';
import { createDemoBot } from './src/demo-bot.js';

const bot = createDemoBot();
await bot.prepare();
const server = createPsrServer({ port: 0, bot, logger: consoleLogger('info') });
await server.listen();
const report = await placeCall({
  url: server.url,
  params: { danh_xung: 'anh' },
  caller: await loadCallerAudio('../../packages/simulator/samples/caller.wav'),
  tailMs: 15000,
});
console.log(formatReport(report));
await server.close();
