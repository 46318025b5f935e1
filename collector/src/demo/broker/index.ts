export { InProcessBroker, DEAD_LETTER_HEADERS } from './broker.js';
export type * from './types.js';
