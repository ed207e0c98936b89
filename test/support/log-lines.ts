import { vi } from 'vitest';

/**
 * Everything the production logger writes to stdout and stderr while `act` runs: the text, and
 * each line parsed as JSON.
 */
export const logLines = async (
  act: () => Promise<unknown>,
): Promise<{ text: string; lines: Record<string, unknown>[] }> => {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await act();
  } finally {
    vi.restoreAllMocks();
  }
  const text = chunks.join('');
  const lines = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { text, lines };
};
