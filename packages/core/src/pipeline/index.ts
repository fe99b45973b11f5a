export * from './job-data';
export * from './job-ids';
export * from './queue-names';
