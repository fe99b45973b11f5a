export * from './config';
export * from './errors';
export * from './logger';
export * from './redis-connection';
export * from './schemas';
