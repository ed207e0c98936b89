/**
 * A synthetic month of customer events from a seeded PRNG: the same month every run.
 * Customers sign up (a profile; one in ten a VIP with a birthday), buy (orders, some of them
 * twice or more), get their orders delivered, browse, are sometimes flagged by churn scoring,
 * and sometimes write to support: the seeded journeys (post-purchase survey, win-back, VIP
 * birthday) all have customers. Survey answers are not in here: whether
 * and when a customer answers depends on the invitation careflow sends (see `answerFor`).
 */

/** mulberry32: small, fast, deterministic; numbers in [0, 1). */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

export interface ProducerEvent {
  /** Milliseconds since the start of the month. */
  at: number;
  source: string;
  detailType: string;
  detail: Record<string, unknown> & { customerId: string };
}

export interface MonthOptions {
  customers: number;
  seed: number;
  days: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const MONTH_START = Date.parse('2026-11-02T00:00:00.000Z');

export const syntheticMonth = ({ customers, seed, days }: MonthOptions): ProducerEvent[] => {
  const random = seededRandom(seed);
  const span = days * DAY;
  const between = (from: number, to: number) => from + random() * (to - from);
  const events: ProducerEvent[] = [];
  for (let i = 0; i < customers; i++) {
    const customerId = `c-${String(i).padStart(5, '0')}`;
    const joined = between(0, span * 0.3);
    const consent = random();
    // One in ten is a VIP with a birthday on file (the birthday greeting's audience).
    const vip = random() < 0.1;
    const birthday = `19${70 + Math.floor(random() * 30)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    events.push({
      at: joined,
      source: 'crm',
      detailType: 'Customer Profile Updated',
      detail: {
        customerId,
        email: `customer${i}@example.com`,
        name: `Customer ${i}`,
        timezone: random() < 0.5 ? 'Europe/Berlin' : 'America/New_York',
        // 85 % opted in to email, 5 % opted out, 10 % never said.
        consent: consent < 0.85 ? { email: true } : consent < 0.9 ? { email: false } : {},
        ...(vip ? { birthday, attributes: { tier: 'vip' } } : {}),
      },
    });
    // Orders: most customers buy once, some two or three times, a few not at all.
    const draw = random();
    const orders = draw < 0.1 ? 0 : draw < 0.65 ? 1 : draw < 0.9 ? 2 : 3;
    for (let o = 0; o < orders; o++) {
      const placed = between(joined + HOUR, span);
      const orderId = `${customerId}-o${o}`;
      events.push({
        at: placed,
        source: 'shop',
        detailType: 'Order Completed',
        detail: {
          customerId,
          orderId,
          total: Math.round(between(5, 250) * 100) / 100,
          currency: 'EUR',
          items: [{ sku: `sku-${Math.floor(random() * 500)}`, quantity: 1, price: 10 }],
        },
      });
      events.push({
        at: placed + between(DAY, 4 * DAY),
        source: 'logistics',
        detailType: 'Order Delivered',
        detail: { customerId, orderId },
      });
    }
    // Browsing: events no journey listens to still cost a read each.
    const views = Math.floor(random() * 4);
    for (let v = 0; v < views; v++) {
      events.push({
        at: between(joined, span),
        source: 'web',
        detailType: 'Product Viewed',
        detail: { customerId, sku: `sku-${Math.floor(random() * 500)}` },
      });
    }
    // Churn scoring flags about one in eight (the win-back journey's trigger).
    if (random() < 0.12) {
      events.push({
        at: between(joined, span),
        source: 'analytics',
        detailType: 'Churn Risk Detected',
        detail: { customerId, score: Math.round(between(0.7, 1) * 100) / 100 },
      });
    }
    if (random() < 0.08) {
      events.push({
        at: between(joined, span),
        source: 'helpdesk',
        detailType: 'Ticket Opened',
        detail: { customerId, ticketId: `${customerId}-t`, channel: 'email', priority: 'normal' },
      });
    }
  }
  return events.filter((e) => e.at < span).sort((a, b) => a.at - b.at);
};

/**
 * Whether and when a customer answers a survey invitation, and the score: about a third answer,
 * within minutes to two days; scores skew positive, as NPS answers do.
 */
export const answerFor = (random: () => number): { afterMs: number; score: number } | null => {
  if (random() >= 0.35) return null;
  const afterMs = Math.floor(10 * 60_000 + random() * 2 * DAY);
  const r = random();
  const score =
    r < 0.15
      ? Math.floor(random() * 7)
      : r < 0.4
        ? 7 + Math.floor(random() * 2)
        : 9 + Math.floor(random() * 2);
  return { afterMs, score };
};
