/** The causal correlator: spans in, events / deliveries / causal edges out. */
export { Correlator, type CorrelatorOptions } from './correlator.js';
export { deriveRecords, type DerivationInput, type DerivedRecords } from './derive.js';
