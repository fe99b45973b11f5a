export * from './abusive-sentences';
export * from './catch-rates';
export * from './contradicting-statement';
export * from './defect-kinds';
export * from './plant-defect';
export * from './plant-defects';
