export * from './expert-order';
export * from './failure-category';
export * from './run-record';
export * from './run-store';
