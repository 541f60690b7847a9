/**
 * Collects the calls made during one turn of the event loop and hands them over together at
 * its end (setImmediate: after the I/O callbacks of the turn), so that a sender can put them
 * on the wire in one write. Each call keeps its own answer; the order of the calls is kept.
 * A call waits at most for the rest of the current turn.
 */
export class TurnBatch<Call, Reply> {
  #pending: { call: Call; resolve: (reply: Reply) => void; reject: (error: unknown) => void }[] = [];

  constructor(private readonly send: (calls: readonly Call[]) => Promise<Reply>[]) {}

  add(call: Call): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      if (this.#pending.push({ call, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.#pending;
    this.#pending = [];
    let replies: Promise<Reply>[];
    try {
      replies = this.send(batch.map((item) => item.call));
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, index) => {
      const reply = replies[index];
      if (reply) reply.then(item.resolve, item.reject);
      else item.reject(new Error('No reply for a batched call'));
    });
  }
}
