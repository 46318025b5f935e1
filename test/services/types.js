// @ts-check
/**
 * Shapes shared by the harness and the per-service modules (JSDoc only; nothing runs here).
 */

/**
 * What a harness started, written to `<cache>/run/<id>-<port>.json` the moment the process is
 * spawned, so it can be stopped by whoever runs `cli.js down` even if the starter died.
 * @typedef {object} StartedRecord
 * @property {import('./services.js').ServiceId} service
 * @property {string} address what the tests use, e.g. http://127.0.0.1:9200
 * @property {number} pid process group leader of the server
 * @property {string} dir fresh temp dir with the server's data and logs; removed on stop
 * @property {string[]} logFiles
 * @property {'run' | 'cli'} owner `test/run.js` (stops it at the end) or `cli.js up` (leaves it)
 * @property {number} ownerPid
 * @property {string} startedAt ISO time
 */

/**
 * Passed to a service's `start`.
 * @typedef {object} StartContext
 * @property {(line: string) => void} log progress for the person waiting
 * @property {string} dir fresh empty temp dir for data and logs; the harness removes it
 * @property {(record: Omit<StartedRecord, 'service' | 'owner' | 'ownerPid' | 'startedAt'>) => void} register
 *   call right after spawning, before waiting for readiness, so a failed start is still cleaned up
 */

/**
 * One kind of service the tests need.
 * @typedef {object} ServiceDefinition
 * @property {import('./services.js').ServiceId} id
 * @property {string} name
 * @property {string} envVar CAUSEWAY_TEST_* variable that names an existing instance
 * @property {string} portEnvVar CAUSEWAY_*_PORT variable that moves the harness's own instance
 * @property {(config: import('./config.js').HarnessConfig) => string} defaultAddress
 * @property {(address: string) => { host: string, port: number }} endpoint where to look for a listener
 * @property {(address: string) => Promise<void>} probe resolves only if a ready instance of this service answers
 * @property {(config: import('./config.js').HarnessConfig, context: StartContext) => Promise<void>} start
 *   installs if needed, spawns, registers, and waits until ready (throws ServiceError otherwise)
 * @property {(address: string, config: import('./config.js').HarnessConfig, log: (line: string) => void) => Promise<Record<string, string>>} [extraEnvironment]
 *   more CAUSEWAY_TEST_* variables that follow from the address (e.g. RabbitMQ's management URL)
 */

export {};
