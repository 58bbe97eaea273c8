import type { PlayMode } from '@psrkit/pipeline';
import { checkExtension } from '@psrkit/protocol';
import type { CallCommand } from './call-directory.js';
import { BadRequest } from './http-replies.js';

/** The most text `say` takes, characters. */
const MAX_SAY_CHARS = 2000;

/**
 * The command a route (`hangup`, `transfer`, `say`) and its JSON body ask for, checked.
 * @throws {BadRequest} naming the field that is wrong
 */
export function parseCommand(name: string, body: Record<string, unknown>): CallCommand {
  switch (name) {
    case 'hangup':
      return { type: 'hangup' };
    case 'transfer': {
      const extension = body['extension'];
      if (typeof extension !== 'string')
        throw new BadRequest(
          '$.extension: give the extension as a string, e.g. {"extension":"101"}',
        );
      try {
        return { type: 'transfer', extension: checkExtension(extension, '$.extension') };
      } catch (error) {
        throw new BadRequest((error as Error).message);
      }
    }
    case 'say': {
      const text = body['text'];
      const mode = body['mode'] ?? 'queue';
      const voice = body['voice'];
      if (voice !== undefined && (typeof voice !== 'string' || voice.length > 100))
        throw new BadRequest("$.voice: one of the TTS's voices, as a string");
      if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_SAY_CHARS)
        throw new BadRequest(`$.text: give 1 to ${MAX_SAY_CHARS} characters to say`);
      if (mode !== 'queue' && mode !== 'interrupt')
        throw new BadRequest('$.mode: "queue" (after what plays) or "interrupt" (at once)');
      return {
        type: 'say',
        text,
        mode: mode as PlayMode,
        ...(typeof voice === 'string' && { voice }),
      };
    }
    default:
      throw new BadRequest(
        `${JSON.stringify(name.slice(0, 40))} is not a command: hangup, transfer or say`,
      );
  }
}
