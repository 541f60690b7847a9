/** What an admission token says: this member may hold seats of this performance until expiresAt. */
export interface Admission {
  readonly memberId: string;
  readonly performanceId: string;
  readonly admittedAt: Date;
  readonly expiresAt: Date;
}

export type AdmissionVerdict = 'VALID' | 'INVALID' | 'EXPIRED';

/** Signed, self-contained admission tokens: an edge proxy can check them with the public keys alone. */
export interface AdmissionTokens {
  /** The same admission gives the same token, however often it is asked for. */
  issue(admission: Admission): Promise<string>;
  verify(token: string, expected: { memberId: string; performanceId: string }, now: Date): Promise<AdmissionVerdict>;
}
