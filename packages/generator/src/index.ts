export * from './conversation';
export * from './personas';
