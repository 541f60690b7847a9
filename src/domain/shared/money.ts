import { ValidationError } from './domain-error';

/**
 * An amount in the currency's smallest unit (won for KRW, cents for USD), always an
 * integer: floating point never touches money.
 */
export class Money {
  private constructor(
    readonly amount: number,
    readonly currency: string,
  ) {}

  static of(amount: number, currency: string): Money {
    if (!Number.isSafeInteger(amount) || amount < 0) {
      throw new ValidationError(`Amount must be a non-negative integer in minor units, got ${amount}`);
    }
    if (!/^[A-Z]{3}$/.test(currency)) {
      throw new ValidationError(`Currency must be an ISO 4217 code, got ${currency}`);
    }
    return new Money(amount, currency);
  }

  static zero(currency: string): Money {
    return Money.of(0, currency);
  }

  add(other: Money): Money {
    if (other.currency !== this.currency) {
      throw new ValidationError(`Cannot add ${other.currency} to ${this.currency}`);
    }
    return Money.of(this.amount + other.amount, this.currency);
  }

  equals(other: Money): boolean {
    return this.amount === other.amount && this.currency === other.currency;
  }

  toJSON(): { amount: number; currency: string } {
    return { amount: this.amount, currency: this.currency };
  }
}
