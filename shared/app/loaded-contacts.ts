import type { EngineDeps } from './deps.js';
import type { ContactCounter, ContactEntry, CustomerState } from './ports.js';

/**
 * The frequency cap's counter for one processor record, answering `recent` from the sends the
 * customer store read with the profile (the same Query), so a marketing send reads nothing more.
 * Recording still goes to the store, and is remembered here, so a second send in the same record
 * sees the first. The customer's queue has one writer at a time: nothing else changes these
 * sends while the record runs. Other customers (none, in practice) are asked of the store.
 */
export const countedFromLoad = (
  counter: ContactCounter,
  customerId: string,
  loaded: readonly ContactEntry[],
): ContactCounter => {
  const sends = new Map(loaded.map((entry) => [entry.messageId, entry.at]));
  return {
    async recent(id, since) {
      if (id !== customerId) return counter.recent(id, since);
      return [...sends]
        .filter(([, at]) => at >= since)
        .map(([messageId, at]) => ({ messageId, at }))
        .sort((a, b) => a.at.localeCompare(b.at));
    },
    async record(id, entry, since) {
      await counter.record(id, entry, since);
      // As the store does: the first time counted for a message id stays.
      if (id === customerId && !sends.has(entry.messageId)) sends.set(entry.messageId, entry.at);
    },
  };
};

/** The engine's dependencies for a record of `customerId`, with the sends loaded in `state` used by the cap. */
export const withLoadedContacts = (deps: EngineDeps, customerId: string, state: CustomerState): EngineDeps =>
  deps.contacts && state.contacts
    ? { ...deps, contacts: countedFromLoad(deps.contacts, customerId, state.contacts) }
    : deps;
