import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file's location (no machine-specific paths). */
const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** Absolute path of a file or folder given relative to the repository root. */
export const projectPath = (relative: string): string => join(projectRoot, relative);
