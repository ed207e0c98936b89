import { NotFoundError } from '../../domain/errors.js';
import { type Tier, tierOf } from '../../domain/journey/entry.js';
import type { Instance } from '../../domain/journey/instance.js';
import type { AdminApiDeps } from '../deps.js';
import type { Profile } from '../ports.js';

export interface CustomerJourney {
  instanceId: string;
  journeyId: string;
  journeyVersion: number;
  stepId: string;
  status: Instance['status'];
  /** What a running instance waits for, and until when. */
  waiting: Instance['waiting'];
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
}

export interface CustomerOverview {
  customerId: string;
  profile: Profile | null;
  /** The tier journeys see (audience conditions): `profile.attributes.tier`, else `potential`. */
  tier: Tier;
  /** Journey runs still open: running steps, or held out and watching the goal over its window. */
  activeJourneys: CustomerJourney[];
  /** Ended journey runs still kept (until their retention passes), newest first. */
  pastJourneys: CustomerJourney[];
}

const toJourney = (i: Instance): CustomerJourney => ({
  instanceId: i.instanceId,
  journeyId: i.journeyId,
  journeyVersion: i.journeyVersion,
  stepId: i.stepId,
  status: i.status,
  waiting: i.waiting,
  startedAt: i.startedAt,
  endedAt: i.endedAt,
  endReason: i.endReason,
});

/** `GET /customers/{id}`: the profile, tier and journeys of a customer, in one read. */
export const customerOverview = async (
  deps: Pick<AdminApiDeps, 'customers'>,
  customerId: string,
): Promise<CustomerOverview> => {
  const { profile, instances } = await deps.customers.load(customerId);
  if (!profile && instances.length === 0)
    throw new NotFoundError(`careflow knows no customer "${customerId}".`);
  const newestFirst = [...instances].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return {
    customerId,
    profile,
    tier: tierOf(profile),
    activeJourneys: newestFirst.filter((i) => i.endedAt === null).map(toJourney),
    pastJourneys: newestFirst.filter((i) => i.endedAt !== null).map(toJourney),
  };
};
