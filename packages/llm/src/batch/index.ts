export * from './batch-binding';
export * from './batch-call-scope';
export * from './batch-progress';
export * from './batch-queue';
export * from './batch-queue-full';
export * from './batch-settings';
export * from './batch-vendor';
export * from './batch-yield';
