/*
 * Row shapes of the tables that are read and written with plain knex or mysql2, not through
 * Objection models: the seats of a hall (batched inserts) and the reservations of the hot
 * path. Like the models, they never leave adapters/persistence.
 */

/** Seats are written with batched knex inserts (a hall is up to 50,000 rows); this is their shape. */
export interface SeatRow {
  id: string;
  performance_id: string;
  section: string;
  row_no: number;
  seat_no: number;
  grade: string;
  label: string;
  position: number;
}

export interface ReservationRow {
  id: string;
  member_id: string;
  performance_id: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';
  total_price: number | string;
  currency: string;
  created_at: Date;
  expires_at: Date;
  confirmed_at: Date | null;
  cancelled_at: Date | null;
  version: number;
}

export interface ReservationSeatRow {
  reservation_id: string;
  seat_id: string;
  performance_id: string;
  label: string;
  grade: string;
  price: number | string;
  active_seat_id: string | null;
  position: number;
}

/** A ticket of a confirmed reservation (migration 011). */
export interface TicketRow {
  id: string;
  reservation_id: string;
  performance_id: string;
  seat_id: string;
  label: string;
  issued_at: Date;
}

export interface CheckInRow {
  ticket_id: string;
  reservation_id: string;
  performance_id: string;
  staff_member_id: string;
  checked_in_at: Date;
}

export interface PaymentRow {
  id: string;
  reservation_id: string;
  provider: string;
  provider_payment_id: string;
  client_secret: string | null;
  amount: number | string;
  currency: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REFUND_PENDING' | 'REFUNDED';
  created_at: Date;
  updated_at: Date;
}
