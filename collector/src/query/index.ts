/** Read side of the collector: store records shaped into API answers. */
export { getEventDetail, searchEvents } from './events.js';
export { buildLineage, DEFAULT_LINEAGE_NODE_BUDGET, type LineageOptions } from './lineage.js';
export { buildTopology, serviceNodeId, destinationNodeId } from './topology.js';
export { getTrace } from './traces.js';
export { eventStatus } from './status.js';
export { parseTime, parseRange, parseOptionalRange, iso, type TimeRange } from './time.js';
export { InvalidParameterError } from './errors.js';
