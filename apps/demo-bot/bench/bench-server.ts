// A loopback server for one table row, with the playout line under test.
import type { ChunkFormat } from '@psrkit/protocol';
import { type Bot, createPsrServer, silentLogger } from '@psrkit/transport';

/** The playout line's settings under test: the lead and the chunk format. */
export interface Playout {
  readonly leadMs: number;
  readonly format: ChunkFormat;
}

/** `200 ms MP3`, for tables. */
export const playoutName = (p: Playout): string =>
  `${p.leadMs} ms ${p.format === 'mp3' ? 'MP3' : 'PCM16'}`;

/** Runs `use` against a fresh server for `bot` with playout `playout`, closed after. */
export async function withServer<T>(
  bot: Bot,
  playout: Playout,
  use: (url: string) => Promise<T>,
): Promise<T> {
  const server = createPsrServer({
    port: 0,
    bot,
    logger: silentLogger,
    call: { playout: { leadMs: playout.leadMs, format: playout.format } },
  });
  await server.listen();
  try {
    return await use(server.url);
  } finally {
    await server.close();
  }
}
