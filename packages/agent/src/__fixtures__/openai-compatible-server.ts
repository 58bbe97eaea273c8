// A local stand-in for an OpenAI-compatible service, speaking the documented wire formats:
// `POST /v1/chat/completions` with `stream: true` answered as server-sent events
// (`chat.completion.chunk`s, text deltas and `tool_calls`, then `[DONE]`), and
// `POST /v1/audio/transcriptions` (multipart WAV) answered with `verbose_json`.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';

export interface ChatReply {
  readonly text: string;
  readonly toolCall?: { readonly name: string; readonly arguments: Record<string, unknown> };
}

interface ChatRequest {
  readonly model: string;
  readonly messages: readonly { role: string; content: unknown }[];
  readonly tools?: readonly { function: { name: string } }[];
}


export async function startOpenAiCompatibleServer(options: {
  readonly replies: ChatReply[];
  readonly transcripts: string[];
}) {
  const chats: ChatRequest[] = [];
  const transcriptions: { model: string; language: string | null; authorization?: string }[] = [];
  const chunk = (res: ServerResponse, delta: object, finish: string | null = null) =>
    res.write(
      `data: ${JSON.stringify({
        id: 'chatcmpl-local',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'local',
        choices: [{ index: 0, delta, finish_reason: finish }],
      })}\n\n`,
    );
  const server = createServer(async (req, res) => {
    const bytes = await buffer(req);
    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      const request = JSON.parse(bytes.toString()) as ChatRequest;
      chats.push(request);
      const reply = options.replies.shift() ?? { text: 'Goodbye.' };
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      chunk(res, { role: 'assistant', content: '' });
      for (const word of reply.text.split(/(?<= )/)) chunk(res, { content: word });
      if (reply.toolCall)
        chunk(res, {
          tool_calls: [
            {
              index: 0,
              id: `call_${chats.length}`,
              type: 'function',
              function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments) },
            },
          ],
        });
      chunk(res, {}, reply.toolCall ? 'tool_calls' : 'stop');
      res.end('data: [DONE]\n\n');
      return;
    }
    if (req.method === 'POST' && req.url === '/v1/audio/transcriptions') {
      const form = await new Request('http://local/', {
        method: 'POST',
        headers: req.headers as Record<string, string>,
        body: bytes,
      }).formData();
      transcriptions.push({
        model: String(form.get('model')),
        language: form.get('language') as string | null,
        ...(req.headers.authorization && { authorization: req.headers.authorization }),
      });
      const text = options.transcripts.shift() ?? '';
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ task: 'transcribe', language: 'english', duration: 1, text, segments: [] }),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    chats,
    transcriptions,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
