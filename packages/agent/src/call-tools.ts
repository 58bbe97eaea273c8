import type { Call } from '@psrkit/transport';
import { type ToolSet, tool } from 'ai';
import { z } from 'zod';

/**
 * The agent's built-in tools: `transfer` and `hangup` do not act at once — each hands
 * `setEnding` what to do once the reply that asked for it has been heard.
 */
export function callEndingTools(call: Call, setEnding: (end: () => void) => void): ToolSet {
  return {
    transfer: tool({
      description:
        'Transfer the call to a person at an extension. Say a short sentence first; the transfer happens once the caller has heard it.',
      inputSchema: z.object({ extension: z.string().regex(/^[0-9*#]{1,15}$/) }),
      execute: async ({ extension }) => {
        setEnding(() => call.transfer(extension));
        return `the call will be transferred to ${extension} after your reply`;
      },
    }),
    hangup: tool({
      description: 'End the call. Say goodbye first; the call ends once the caller has heard it.',
      inputSchema: z.object({}),
      execute: async () => {
        setEnding(() => call.hangup());
        return 'the call will end after your reply';
      },
    }),
  };
}
