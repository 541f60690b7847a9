import type { ServerResponse } from 'node:http';
import type {
  LiveSeatState,
  SeatChangeBatch,
  SeatStreamSubscriber,
} from '../../application/seat-state/seat-state-view';
import type { Performance } from '../../domain/catalog/performance';
import type { HttpContext } from './http-context';
import { serializeSeatMap } from './presenters/performance.presenter';

/** Browsers wait this long before reconnecting (the SSE `retry:` field). */
export const SSE_RETRY_MS = 2_000;
/** A client this far behind (bytes queued for it) is dropped; it reconnects and resumes. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const RETRY = Buffer.from(`retry: ${SSE_RETRY_MS}\n\n`);
const PING = Buffer.from(': ping\n\n');

// One frame per version, whatever the number of streams: every stream of a performance is
// handed the same state or batch object, serialized once here and written as is.
const snapshotFrames = new WeakMap<LiveSeatState, Buffer>();
const changeFrames = new WeakMap<SeatChangeBatch, Buffer>();

function snapshotFrame(state: LiveSeatState, performance: Performance): Buffer {
  let frame = snapshotFrames.get(state);
  if (!frame) {
    const json = serializeSeatMap({ performance, taken: state.taken, version: state.version });
    frame = Buffer.concat([Buffer.from(`event: snapshot\nid: ${state.version}\ndata: `), json, Buffer.from('\n\n')]);
    snapshotFrames.set(state, frame);
  }
  return frame;
}

function changesFrame(batch: SeatChangeBatch): Buffer {
  let frame = changeFrames.get(batch);
  if (!frame) {
    const data = JSON.stringify({ version: batch.version, seats: batch.seats });
    frame = Buffer.from(`event: changes\nid: ${batch.version}\ndata: ${data}\n\n`);
    changeFrames.set(batch, frame);
  }
  return frame;
}

/**
 * One server-sent-event stream on a Koa request. Nothing is written until the first event
 * (or `open()`), so an error before it (404, 503) still gets its problem-details answer.
 * Per stream it keeps only the response and a flag: frames are shared.
 */
export class SseStream implements SeatStreamSubscriber {
  #open = false;
  #ended = false;
  private readonly res: ServerResponse;

  constructor(
    private readonly ctx: HttpContext,
    private readonly performance: Performance,
  ) {
    this.res = ctx.res;
  }

  /** Sends the status line, the headers and the retry field, once. */
  open(): void {
    if (this.#open || this.#ended) return;
    this.#open = true;
    // Koa leaves the response alone from here on; the status is for the access log.
    this.ctx.status = 200;
    this.ctx.respond = false;
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    this.res.flushHeaders();
    this.res.socket?.setNoDelay(true);
    this.write(RETRY);
  }

  snapshot(state: LiveSeatState): void {
    this.open();
    this.write(snapshotFrame(state, this.performance));
  }

  changes(batch: SeatChangeBatch): void {
    this.open();
    this.write(changesFrame(batch));
  }

  ping(): void {
    if (this.#open) this.write(PING);
  }

  close(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#open) this.res.end();
    else this.res.destroy();
  }

  private write(frame: Buffer): void {
    if (this.#ended || this.res.destroyed) return;
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.#ended = true;
      this.res.destroy();
      return;
    }
    this.res.write(frame);
  }
}

/** The version in a Last-Event-ID header, if it is one. */
export function lastEventVersion(header: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(header.trim())) return undefined;
  const version = Number(header.trim());
  return Number.isSafeInteger(version) && version > 0 ? version : undefined;
}
