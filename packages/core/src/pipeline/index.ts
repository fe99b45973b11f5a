export * from './job-data';
export * from './job-ids';
export * from './job-lock';
export * from './queue-names';
