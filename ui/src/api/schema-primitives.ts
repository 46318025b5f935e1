/** Building blocks every API schema module shares (kept apart so the modules do not import each other in a cycle). */
import { z } from 'zod';

/** ISO-8601 with offset, as every API time is. */
export const isoTime = z.iso.datetime({ offset: true });
