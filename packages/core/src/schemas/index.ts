export * from './conversation';
export * from './pair';
export * from './persona';
export * from './profile';
export * from './release-records';
export * from './turn';
export * from './usage';
export * from './verdict';
