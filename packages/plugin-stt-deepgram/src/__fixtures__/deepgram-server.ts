// A local stand-in for Deepgram's live API, speaking its documented wire format: a
// WebSocket on /v1/listen with the audio's encoding, rate and language in the query and
// `Authorization: Token <key>`; binary linear16 up; JSON `Results` down (interim while
// audio arrives, `is_final` for settled text, `speech_final` too once `endpointing` ms of
// silence follow speech), the last results after `CloseStream`, then `Metadata` and a
// close — or what a failing service does.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export type Behaviour = 'transcribe' | 'refuse' | 'drop' | 'mute' | 'garbage';

export interface Session {
  readonly query: Record<string, string>;
  readonly authorization: string | undefined;
  bytes: number;
}

export async function startDeepgramServer(words = ['xin', 'chào', 'anh']) {
  let behaviour: Behaviour = 'transcribe';
  const sessions: Session[] = [];
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    if (behaviour === 'refuse' || req.headers.authorization !== 'Token dg-key') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const url = new URL(req.url ?? '/', 'http://local');
      const session: Session = {
        query: Object.fromEntries(url.searchParams),
        authorization: req.headers.authorization,
        bytes: 0,
      };
      sessions.push(session);
      const rate = Number(session.query['sample_rate']);
      const endpointingBytes = (Number(session.query['endpointing']) * rate * 2) / 1000;
      let audible = false;
      let sentInterim = false;
      let silentBytes = 0;
      const results = (isFinal: boolean, spoken: string[], speechFinal = isFinal) =>
        JSON.stringify({
          type: 'Results',
          channel_index: [0, 1],
          duration: session.bytes / 2 / rate,
          start: 0,
          is_final: isFinal,
          speech_final: speechFinal,
          channel: {
            alternatives: [
              {
                transcript: spoken.join(' '),
                confidence: 0.93,
                words: spoken.map((word, i) => ({ word, start: 0.3 * i, end: 0.3 * i + 0.25, confidence: 0.93 })),
              },
            ],
          },
        });
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          const bytes = data as Buffer;
          session.bytes += bytes.length;
          let loud = false;
          for (let i = 0; i + 1 < bytes.length; i += 2) if (Math.abs(bytes.readInt16LE(i)) > 300) loud = true;
          audible ||= loud;
          silentBytes = loud ? 0 : silentBytes + bytes.length;
          if (behaviour === 'drop' && session.bytes > rate) return ws.terminate();
          if (behaviour === 'garbage') return ws.send('<html>');
          if (audible && !sentInterim && session.bytes > rate / 2) {
            sentInterim = true;
            ws.send(results(false, words.slice(0, 1)));
          }
          if (audible && endpointingBytes > 0 && silentBytes >= endpointingBytes) {
            // Deepgram's endpointing: the utterance is settled and the speaker has stopped.
            ws.send(results(true, words));
            audible = false;
            sentInterim = false;
          }
          return;
        }
        const message = JSON.parse(data.toString()) as { type: string };
        if (message.type !== 'CloseStream' || behaviour === 'mute') return;
        ws.send(results(true, audible ? words : [], false));
        ws.send(JSON.stringify({ type: 'Metadata', request_id: 'local', duration: session.bytes / 2 / rate }));
        ws.close(1000);
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    sessions,
    behave(next: Behaviour) {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
