export * from './run-record';
export * from './run-store';
