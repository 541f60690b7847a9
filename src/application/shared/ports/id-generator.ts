export interface IdGenerator {
  /** A new unique id; time-ordered so database indexes grow at their end. */
  next(): string;
}
