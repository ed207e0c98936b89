/**
 * zod as careflow uses it: the tree-shakeable `zod/mini` API, with zod's English messages, which
 * `zod/mini` does not load by itself (error messages name the field and say what is wrong, as the
 * admin API and the dead letters show them). Import it as a namespace,
 * `import * as z from '…/domain/zod.js'`: a bundle then keeps only the functions it calls
 * (decision 0083).
 */

import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
