export * from './redis-near-duplicate-index';
export * from './run-services';
export * from './run-services-cache';
export * from './start-workers';
export * from './worker-process';
