export { InProcessBroker, DEAD_LETTER_HEADERS, isDeadLetterQueue } from './broker.js';
export type * from './types.js';
