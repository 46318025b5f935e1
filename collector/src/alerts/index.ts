/** Lag alerting: rules, the engine that raises and resolves alerts, and webhook notifications. */
export * from './types.js';
export { RuleConflictError, RuleError } from './errors.js';
export { describeDuration, formatDuration, parseDuration } from './duration.js';
export { matchesGlob, scopeMatches } from './glob.js';
export { ruleFromBody, ruleToView } from './rules.js';
export { loadRulesFile, rulesFromYaml } from './rules-file.js';
export type { AlertStore } from './store.js';
export { AlertEngine, type AlertEngineOptions } from './engine.js';
export { WebhookNotifier, type AlertNotifierSink, type NotifierLog, type WebhookNotifierOptions, type WebhookNotifierStats } from './webhook.js';
export { jsonPayload, slackPayload, type JsonAlertPayload, type SlackPayload } from './payloads.js';
