import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';

/** 09:00 UTC tomorrow: a morning in the future, so sends never fall into quiet hours by chance. */
export const nextMorning = (now = Date.now()): string => {
  const day = new Date(now + 86_400_000);
  day.setUTCHours(9, 0, 0, 0);
  return day.toISOString();
};

/** The local stack for an end-to-end test file: free ports, in memory, the clock in the test's hands. */
export const startTestStack = (): Promise<LocalStack> =>
  startLocalStack({
    port: 0,
    sesPort: 0,
    dynamoPort: 0,
    dataDir: null,
    realTimeWakes: false,
    startAt: nextMorning(),
  });
