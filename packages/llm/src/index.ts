export * from './language-model';
export * from './mock-language-model';
