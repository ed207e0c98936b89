import { netPromoterScore } from '../../shared/domain/survey/nps.js';

/**
 * `npm run demo`: drives a running local stack (`npm start`) like a shop would:
 * customers buy over a month, get the survey a day later, most answer, and careflow replies.
 * Prints what happened. Deterministic: the same seed gives the same month.
 */
const base = process.env.CAREFLOW_URL ?? `http://127.0.0.1:${process.env.CAREFLOW_PORT ?? 3000}`;
const sesBase = process.env.CAREFLOW_SES_URL ?? `http://127.0.0.1:${process.env.CAREFLOW_SES_PORT ?? 8005}`;
const customers = Number(process.argv[2] ?? 20);

/** A small seeded generator (mulberry32), so a demo run can be repeated. */
const random = (() => {
  let seed = Number(process.env.DEMO_SEED ?? 42) >>> 0;
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();

const call = async (path: string, body?: unknown) => {
  const response = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
};

const put = (detailType: string, detail: unknown) =>
  call('/events', { Entries: [{ Source: 'shop', DetailType: detailType, Detail: JSON.stringify(detail) }] });

interface Mail {
  subject: string;
  destination: { to: string[] };
  body: { text?: string };
}
const mailbox = async (): Promise<Mail[]> =>
  ((await (await fetch(`${sesBase}/store`)).json()) as { emails: Mail[] }).emails;

const run = async () => {
  await call('/health').catch(() => {
    throw new Error(`no local stack answers at ${base}: start it with npm start`);
  });
  const run = Date.now().toString(36);
  const ids = Array.from({ length: customers }, (_, i) => `demo-${run}-${i + 1}`);
  for (const id of ids) {
    await put('Customer Profile Updated', {
      customerId: id,
      email: `${id}@example.com`,
      name: `Customer ${id.split('-').pop()}`,
      timezone: 'Europe/Berlin',
      locale: 'en',
      consent: { email: random() < 0.9 },
    });
  }
  // A month of purchases: each customer buys on a random day.
  const days = ids.map(() => Math.floor(random() * 30));
  const answers: number[] = [];
  const seen = new Set<string>();
  for (let day = 0; day < 31; day += 1) {
    for (const [i, id] of ids.entries()) {
      if (days[i] !== day) continue;
      await put('Order Completed', {
        customerId: id,
        orderId: `o-${id}`,
        total: Math.round(random() * 20000) / 100 + 5,
        currency: 'EUR',
        items: [],
      });
    }
    await call('/_local/clock/advance', { by: '24h' });
    // In recipient order: mails arrive in whatever order the customers' queues drain, and the
    // seeded answers must not depend on it.
    const today = (await mailbox()).sort((a, b) =>
      (a.destination.to[0] ?? '').localeCompare(b.destination.to[0] ?? ''),
    );
    for (const mail of today) {
      const to = mail.destination.to[0] ?? '';
      if (!to.startsWith(`demo-${run}`) || !mail.subject.includes('recommend') || seen.has(to)) continue;
      seen.add(to);
      if (random() > 0.7) continue; // not everybody answers
      const score = Math.min(10, Math.floor(random() * 11 + (random() < 0.5 ? 3 : 0)));
      const link = new RegExp(`(https?://\\S+/surveys/[^?\\s]+)\\?score=${score}\\s`).exec(
        mail.body.text ?? '',
      )?.[1];
      if (!link) continue;
      await fetch(`${base}${new URL(link).pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ score }),
      });
      answers.push(score);
    }
  }
  await call('/_local/clock/advance', { by: '4d' });
  const mails = (await mailbox()).filter((m) => m.destination.to[0]?.startsWith(`demo-${run}`));
  const count = (pattern: RegExp) => mails.filter((m) => pattern.test(m.subject)).length;
  const nps = netPromoterScore(answers);
  console.log(`Demo month with ${customers} customers (${base})
  survey invitations  ${count(/recommend/)}
  reminders           ${count(/One click/)}
  apologies           ${count(/sorry/i)}
  thank-you notes     ${count(/Thank you/)}
  answers             ${answers.length}  NPS ${nps.nps ?? 'n/a'} (${nps.promoters} promoters, ${nps.passives} passives, ${nps.detractors} detractors)

Open ${sesBase} to read the mail, or ${base}/customers/${ids[0]}/messages (with the admin token) for one contact history.`);
};

run().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
