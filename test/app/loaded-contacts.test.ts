import { describe, expect, it } from 'vitest';
import { MemoryContactCounter } from '../../shared/adapters/memory/counters.js';
import { countedFromLoad } from '../../shared/app/loaded-contacts.js';
import type { ContactCounter } from '../../shared/app/ports.js';

const SINCE = '2026-11-01T00:00:00.000Z';

/** A counter that remembers what it was asked, over the memory one. */
const watched = () => {
  const store = new MemoryContactCounter();
  const asked: string[] = [];
  const counter: ContactCounter = {
    recent: (id, since) => {
      asked.push(`recent ${id}`);
      return store.recent(id, since);
    },
    record: (id, entry, since) => {
      asked.push(`record ${id} ${entry.messageId}`);
      return store.record(id, entry, since);
    },
  };
  return { store, counter, asked };
};

describe('the frequency cap over the sends loaded with the profile', () => {
  it('answers from the loaded sends, in the window and oldest first, without asking the store', async () => {
    const { counter, asked } = watched();
    const capped = countedFromLoad(counter, 'c-1', [
      { messageId: 'late', at: '2026-11-05T09:00:00.000Z' },
      { messageId: 'old', at: '2026-10-20T09:00:00.000Z' },
      { messageId: 'early', at: '2026-11-02T09:00:00.000Z' },
    ]);

    expect(await capped.recent('c-1', SINCE)).toEqual([
      { messageId: 'early', at: '2026-11-02T09:00:00.000Z' },
      { messageId: 'late', at: '2026-11-05T09:00:00.000Z' },
    ]);
    expect(asked).toEqual([]);
  });

  it('records in the store and counts the send for the rest of the record, the first time kept', async () => {
    const { store, counter } = watched();
    const capped = countedFromLoad(counter, 'c-1', [{ messageId: 'a', at: '2026-11-02T09:00:00.000Z' }]);

    await capped.record('c-1', { messageId: 'b', at: '2026-11-03T09:00:00.000Z' }, SINCE);
    await capped.record('c-1', { messageId: 'b', at: '2026-11-04T09:00:00.000Z' }, SINCE);

    expect(await capped.recent('c-1', SINCE)).toEqual([
      { messageId: 'a', at: '2026-11-02T09:00:00.000Z' },
      { messageId: 'b', at: '2026-11-03T09:00:00.000Z' },
    ]);
    expect(await store.recent('c-1', SINCE)).toEqual([{ messageId: 'b', at: '2026-11-03T09:00:00.000Z' }]);
  });

  it('asks the store about any other customer', async () => {
    const { store, counter, asked } = watched();
    await store.record('c-2', { messageId: 'x', at: '2026-11-02T09:00:00.000Z' }, SINCE);
    const capped = countedFromLoad(counter, 'c-1', []);

    expect(await capped.recent('c-2', SINCE)).toEqual([{ messageId: 'x', at: '2026-11-02T09:00:00.000Z' }]);
    expect(asked).toEqual(['recent c-2']);
  });
});
