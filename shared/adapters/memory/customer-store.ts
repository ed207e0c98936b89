import type { CustomerState, CustomerStore, Profile } from '../../app/ports.js';
import { ConflictError } from '../../domain/errors.js';
import type { Instance } from '../../domain/journey/instance.js';

/** Profiles and instances in memory, with the same version check as the DynamoDB store. */
export class MemoryCustomerStore implements CustomerStore {
  private readonly profiles = new Map<string, Profile>();
  private readonly instances = new Map<string, Instance>();

  async load(customerId: string): Promise<CustomerState> {
    return structuredClone({
      profile: this.profiles.get(customerId) ?? null,
      instances: [...this.instances.values()].filter((i) => i.customerId === customerId),
    });
  }

  async saveProfile(profile: Profile): Promise<void> {
    this.profiles.set(profile.customerId, structuredClone(profile));
  }

  async saveInstance(instance: Instance, expectedVersion: number | null): Promise<void> {
    const stored = this.instances.get(instance.instanceId);
    if ((stored?.version ?? null) !== expectedVersion) {
      const expected = expectedVersion === null ? 'not to exist yet' : `to be at version ${expectedVersion}`;
      throw new ConflictError(`instance ${instance.instanceId} was expected ${expected}`);
    }
    this.instances.set(instance.instanceId, structuredClone(instance));
  }
}
