import { SDK_PACKAGE_NAME } from '../core/version.js';

/** Instrumentation scope of Kafka spans (the tracer name). */
export const KAFKAJS_INSTRUMENTATION_NAME = `${SDK_PACKAGE_NAME}/kafkajs`;
/** kafkajs majors this adapter has been written and tested against. */
export const SUPPORTED_KAFKAJS_VERSIONS = ['>=2.0.0 <3'];
