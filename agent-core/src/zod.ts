/**
 * The engine's zod: zod/mini, the same validation core as `zod` without its method-per-schema API.
 * A provisioning process builds every schema here at start-up, and the full API gives each schema
 * dozens of bound methods: zod/mini makes loading them ~18 ms lighter (`npm run bench`, cold
 * start). Its messages are the English ones `zod` itself installs (the mock server's and the
 * Electron shell's own schemas use `zod`; both read the same issues).
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

export { z };
