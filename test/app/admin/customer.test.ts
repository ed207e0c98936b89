import { describe, expect, it } from 'vitest';
import { customerOverview } from '../../../shared/app/admin/customer.js';
import { createJourney, publishJourney } from '../../../shared/app/admin/journeys.js';
import { processCustomerEvent } from '../../../shared/app/process-customer-event.js';
import { NotFoundError } from '../../../shared/domain/errors.js';
import { adminWorld, welcomeJourney } from './world.js';

describe('customer overview', () => {
  it('shows the profile, the tier and the journeys the customer is in', async () => {
    const world = adminWorld();
    await createJourney(world.deps, welcomeJourney());
    await publishJourney(world.deps, 'welcome');
    const profile = { customerId: 'c-1', email: 'ada@example.com', attributes: { tier: 'vip' } };
    await processCustomerEvent(world.engine, world.event('Customer Profile Updated', profile));
    await processCustomerEvent(world.engine, world.event('Customer Signed Up', { customerId: 'c-1' }));

    const overview = await customerOverview(world.deps, 'c-1');

    expect(overview).toMatchObject({ customerId: 'c-1', tier: 'vip', profile: { email: 'ada@example.com' } });
    expect(overview.activeJourneys).toEqual([
      expect.objectContaining({ journeyId: 'welcome', journeyVersion: 1, stepId: 'wait', status: 'active' }),
    ]);
    expect(overview.pastJourneys).toEqual([]);
  });

  it('lists a held-out customer whose conversion window is open among the active journeys', async () => {
    const world = adminWorld();
    const goal = { 'detail-type': ['Order Completed'] };
    await createJourney(world.deps, welcomeJourney({ holdout: { percent: 99 }, goal, goalWindow: 'P30D' }));
    await publishJourney(world.deps, 'welcome');
    await processCustomerEvent(world.engine, world.event('Customer Signed Up', { customerId: 'c-3' }));

    const overview = await customerOverview(world.deps, 'c-3');

    expect(overview.activeJourneys).toEqual([
      expect.objectContaining({ journeyId: 'welcome', status: 'holdout', endedAt: null }),
    ]);
    expect(overview.pastJourneys).toEqual([]);
  });

  it.each([
    { attributes: { tier: 'regular' }, tier: 'regular' },
    { attributes: { tier: 3 }, tier: 'potential' },
    { attributes: {}, tier: 'potential' },
  ])('shows the tier journeys see: $tier for attributes $attributes', async ({ attributes, tier }) => {
    const world = adminWorld();
    await processCustomerEvent(
      world.engine,
      world.event('Customer Profile Updated', { customerId: 'c-2', attributes }),
    );

    expect((await customerOverview(world.deps, 'c-2')).tier).toBe(tier);
  });

  it('answers NotFound for a customer careflow has never seen', async () => {
    const { deps } = adminWorld();

    await expect(customerOverview(deps, 'c-unknown')).rejects.toThrow(NotFoundError);
  });
});
