export * from './config';
export * from './errors';
export * from './logger';
export * from './pipeline';
export * from './redis-connection';
export * from './run-store';
export * from './schemas';
export * from './seeded-random';
