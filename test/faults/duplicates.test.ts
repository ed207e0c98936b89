import { describe, expect, it } from 'vitest';
import { HOUR, useFaultWorld } from './support/harness.js';

const { world } = useFaultWorld();

describe('fault injection: duplicates', () => {
  it('(a) an event delivered twice sends one email', async () => {
    const w = await world();
    await w.signUp();
    const delivered = w.event('Parcel Delivered', { parcelId: 'p-1' });

    expect(await w.deliver(delivered)).toEqual([]);
    expect(await w.deliver(delivered)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(1);
    expect(await w.history()).toEqual([
      expect.objectContaining({ journeyId: 'parcel-thanks', stepId: 'thanks', status: 'sent' }),
    ]);
  });

  it('(a) an event delivered twice in one batch sends one email', async () => {
    const w = await world();
    await w.signUp();
    const delivered = w.event('Parcel Delivered', { parcelId: 'p-1' });

    expect(await w.deliver(delivered, delivered)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(1);
    expect((await w.history()).map((m) => m.status)).toEqual(['sent']);
  });

  it('(a) an event delivered to two processors at once sends one email', async () => {
    const w = await world();
    await w.signUp();
    const delivered = w.event('Parcel Delivered', { parcelId: 'p-1' });

    // A redelivery after a visibility timeout can overlap the first run: both load the customer.
    const failed = (await Promise.all([w.deliver(delivered), w.deliver(delivered)])).flat();
    // The loser's instance save hits the version condition: it is reported, and its retry is a replay.
    for (let retry = 0; retry < failed.length; retry++) expect(await w.deliver(delivered)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(1);
    expect((await w.history()).map((m) => m.status)).toEqual(['sent']);
    expect(await w.instances()).toHaveLength(1);
  });

  it('(b) a wake fired twice sends one invitation', async () => {
    const w = await world();
    await w.signUp();
    expect(
      await w.deliver(w.event('Order Completed', { orderId: 'o-1', total: 42, currency: 'EUR' })),
    ).toEqual([]);
    const [wake] = w.wakes();
    expect(wake).toBeDefined();

    w.clock.advance(24 * HOUR);
    expect(await w.deliver(wake)).toEqual([]);
    expect(await w.deliver(wake)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(1);
    expect(await w.history()).toEqual([
      expect.objectContaining({ journeyId: 'survey-invite', stepId: 'invite', status: 'sent' }),
    ]);
  });

  it('(b) a wake fired twice at the same moment sends one invitation', async () => {
    const w = await world();
    await w.signUp();
    await w.deliver(w.event('Order Completed', { orderId: 'o-1', total: 42, currency: 'EUR' }));
    const [wake] = w.wakes();

    w.clock.advance(24 * HOUR);
    const failed = (await Promise.all([w.deliver(wake), w.deliver(wake)])).flat();
    for (let retry = 0; retry < failed.length; retry++) expect(await w.deliver(wake)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(1);
    expect((await w.history()).map((m) => m.status)).toEqual(['sent']);
  });
});
