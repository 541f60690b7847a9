import { Money } from '../../domain/shared/money';

/**
 * Currencies with no minor unit in ISO 4217 (our Money counts whole krónur and shillings)
 * that Stripe's API still counts in hundredths, for backwards compatibility: 1 ISK is `100`
 * there, and amounts must be multiples of 100. Every other currency Stripe takes counts in
 * the same smallest unit as ISO 4217 and our Money: cents for USD, whole won for KRW, whole
 * yen for JPY (Stripe's zero-decimal currencies), thousandths for KWD.
 */
const WHOLE_UNITS_AS_HUNDREDTHS_AT_STRIPE: ReadonlySet<string> = new Set(['ISK', 'UGX']);

/** Our integer minor units as Stripe's `amount`. */
export function toStripeAmount(amount: Money): number {
  return WHOLE_UNITS_AS_HUNDREDTHS_AT_STRIPE.has(amount.currency) ? amount.amount * 100 : amount.amount;
}

/** Stripe's `amount` in `currency` (upper case) as Money; null when it is no whole amount of ours. */
export function fromStripeAmount(stripeAmount: number, currency: string): Money | null {
  const hundredths = WHOLE_UNITS_AS_HUNDREDTHS_AT_STRIPE.has(currency);
  if (hundredths && stripeAmount % 100 !== 0) return null;
  try {
    return Money.of(hundredths ? stripeAmount / 100 : stripeAmount, currency);
  } catch {
    return null;
  }
}
