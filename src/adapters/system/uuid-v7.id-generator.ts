import { randomFillSync } from 'node:crypto';
import { IdGenerator } from '../../application/shared/ports/id-generator';

/**
 * RFC 9562 UUID version 7: 48 bits of Unix milliseconds, then randomness. Time-ordered ids
 * keep InnoDB's clustered index appending at its end instead of splitting pages at random.
 * A counter in the random part keeps ids from one process strictly increasing within a millisecond.
 */
export class UuidV7IdGenerator implements IdGenerator {
  #lastMillis = 0;
  #sequence = 0;
  /** Random bytes drawn 4 KiB at a time: one call into the CSPRNG per 256 ids instead of two per id. */
  readonly #pool = Buffer.alloc(4096);
  #poolOffset = this.#pool.length;

  next(): string {
    let millis = Date.now();
    if (millis <= this.#lastMillis) {
      millis = this.#lastMillis;
      this.#sequence++;
      if (this.#sequence > 0xfff) {
        // 4,096 ids in one millisecond: borrow the next millisecond rather than lose order.
        millis = ++this.#lastMillis;
        this.#sequence = 0;
      }
    } else {
      this.#lastMillis = millis;
      this.#sequence = this.random(2).readUInt16BE() & 0x3ff;
    }
    const bytes = Buffer.from(this.random(16));
    bytes.writeUIntBE(millis, 0, 6);
    bytes[6] = 0x70 | ((this.#sequence >> 8) & 0x0f);
    bytes[7] = this.#sequence & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** `length` fresh random bytes (a view into the pool: copy before changing them). */
  private random(length: number): Buffer {
    if (this.#poolOffset + length > this.#pool.length) {
      randomFillSync(this.#pool);
      this.#poolOffset = 0;
    }
    const bytes = this.#pool.subarray(this.#poolOffset, this.#poolOffset + length);
    this.#poolOffset += length;
    return bytes;
  }
}
