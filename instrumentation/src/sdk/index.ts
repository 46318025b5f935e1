export { startCauseway } from './start.js';
export { flushOnExit } from './exit-flush.js';
export { serviceNameFromEnvironment } from './service-name.js';
