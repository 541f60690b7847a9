import { connect, Socket } from 'node:net';
import type { CannonResult } from './cannon';
import { LatencyRecorder } from './latency';

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * A closed-loop GET load that counts response bytes instead of decoding them. autocannon
 * turns every body into a string (150 KB per seat map), which costs the generator ~0.9 ms
 * of CPU per answer: on two cores that, not the service, caps a seat-map run. Keep-alive,
 * one request in flight per connection, Content-Length bodies only (what Koa sends).
 */
export function runRawGets(options: {
  url: string;
  path: string;
  connections: number;
  durationSeconds: number;
}): Promise<CannonResult> {
  const { hostname, port } = new URL(options.url);
  const request = Buffer.from(
    `GET ${options.path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: keep-alive\r\n\r\n`,
  );
  const recorder = new LatencyRecorder();
  let answered = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationSeconds * 1000;

  const runConnection = () =>
    new Promise<void>((resolve) => {
      const socket: Socket = connect(Number(port), hostname);
      let head: Buffer | null = Buffer.alloc(0);
      let remaining = 0;
      let status = 0;
      let sentAt = 0;
      const send = () => {
        if (performance.now() >= deadline) {
          socket.end();
          return resolve();
        }
        head = Buffer.alloc(0);
        sentAt = performance.now();
        socket.write(request);
      };
      const onBody = (bytes: number) => {
        remaining -= bytes;
        if (remaining > 0) return;
        answered++;
        recorder.record(`${Math.floor(status / 100)}xx`, performance.now() - sentAt, status, status < 400);
        send();
      };
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        if (head === null) return onBody(chunk.length);
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf(HEADER_END);
        if (end < 0) return;
        const text = head.subarray(0, end).toString('latin1');
        status = Number(text.slice(9, 12));
        remaining = Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? 0);
        const body = head.length - end - HEADER_END.length;
        head = null;
        onBody(body);
      });
      socket.on('error', () => {
        errors++;
        resolve();
      });
    });

  recorder.restart();
  return Promise.all(Array.from({ length: options.connections }, runConnection)).then(() => {
    const seconds = (performance.now() - started) / 1000;
    return {
      durationSeconds: Math.round(seconds * 1000) / 1000,
      requests: answered,
      requestsPerSecond: Math.round((answered / seconds) * 10) / 10,
      unanswered: 0,
      errors,
      timeouts: 0,
      statuses: recorder.statuses,
      recorder,
    };
  });
}
