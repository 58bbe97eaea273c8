import type { CallCommand, CallRef, CommandResult } from './call-directory.js';
import { callName } from './call-directory.js';
import type { DirectoryKeys } from './redis-directory-keys.js';

/** A command for the node that holds a call, on its `…:commands` channel. */
interface CommandRequest {
  readonly req: number;
  /** The asking node: the answer goes to its `…:replies` channel. */
  readonly from: string;
  readonly call: CallRef;
  readonly command: CallCommand;
  readonly by: string;
}

/** The holder's answer, on the asker's `…:replies` channel. */
interface CommandReply {
  readonly req: number;
  readonly result: CommandResult;
}

/** What the relay needs of its directory. */
export interface RelayPorts {
  /** This node's id. */
  readonly node: string;
  readonly keys: DirectoryKeys;
  /** Publishes on Redis; resolves how many subscribers got it. */
  publish(channel: string, message: string): Promise<number>;
  /** Runs a command another node sent for a call this node holds. */
  run(call: CallRef, command: CallCommand, by: string, from: string): Promise<CommandResult>;
  /** How long an asker waits for the holder, ms. */
  readonly timeoutMs: number;
}

const unavailable = (error: string): CommandResult => ({ ok: false, status: 503, error });

/**
 * Commands between nodes, request and reply over Redis pub/sub (as Socket.IO's Redis
 * adapter reaches whichever node holds a socket): the asker publishes on the holder's
 * channel — no subscriber there (the node stopped) answers 503 at once — and waits for the
 * answer on its own channel, up to a timeout (503 again: the node stopped answering).
 */
export class CommandRelay {
  private nextReq = 1;
  private readonly waiting = new Map<number, (result: CommandResult) => void>();

  constructor(private readonly ports: RelayPorts) {}

  /** The channels to subscribe to: this node's commands and replies. */
  get channels(): string[] {
    return [this.ports.keys.commands(this.ports.node), this.ports.keys.replies(this.ports.node)];
  }

  /** Sends `command` to `holder`, the node that holds `call`; resolves with its answer. */
  ask(holder: string, call: CallRef, command: CallCommand, by: string): Promise<CommandResult> {
    const req = this.nextReq++;
    const seconds = this.ports.timeoutMs / 1000;
    const answered = new Promise<CommandResult>((resolve) => {
      const timer = setTimeout(
        () =>
          this.settle(
            req,
            unavailable(
              `node ${holder} holding call ${callName(call)} did not answer within ${seconds} s`,
            ),
          ),
        this.ports.timeoutMs,
      );
      this.waiting.set(req, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
    });
    const request: CommandRequest = { req, from: this.ports.node, call, command, by };
    this.ports.publish(this.ports.keys.commands(holder), JSON.stringify(request)).then(
      (receivers) => {
        if (receivers === 0)
          this.settle(
            req,
            unavailable(
              `node ${holder} holding call ${callName(call)} is not listening (stopped or lost)`,
            ),
          );
      },
      (error: unknown) =>
        this.settle(
          req,
          unavailable(`the call directory (Redis) failed: ${(error as Error).message}`),
        ),
    );
    return answered;
  }

  /** A message on one of {@link channels}: a command to run here, or an answer to one asked. */
  receive(channel: string, message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return; // not ours
    }
    if (channel === this.ports.keys.replies(this.ports.node)) {
      const reply = parsed as CommandReply;
      this.settle(reply.req, reply.result);
    } else if (channel === this.ports.keys.commands(this.ports.node)) {
      void this.serve(parsed as CommandRequest);
    }
  }

  private async serve(request: CommandRequest): Promise<void> {
    const result = await this.ports
      .run(request.call, request.command, request.by, request.from)
      .catch((error: unknown) => unavailable((error as Error).message));
    const reply: CommandReply = { req: request.req, result };
    await this.ports
      .publish(this.ports.keys.replies(request.from), JSON.stringify(reply))
      .catch(() => {}); // Redis away: the asker times out with a 503
  }

  private settle(req: number, result: CommandResult): void {
    const resolve = this.waiting.get(req);
    this.waiting.delete(req);
    resolve?.(result);
  }

  /** Answers every command still waiting with 503. */
  close(): void {
    for (const req of [...this.waiting.keys()])
      this.settle(req, unavailable('the server is stopping'));
  }
}
