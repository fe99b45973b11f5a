export * from './generate-candidate';
export * from './generated-conversation';
export * from './generator-prompt';
export * from './pick-examples';
export * from './seed-turn-bounds';
