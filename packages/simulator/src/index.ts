export type { BatchStats as SimulatorBatchStats } from './batch-api';
export { isIncoherent } from './quality/incoherence';
export { conversationKey, type PlantedRecord, type PlantedSummary } from './quality/planted-log';
export { type SeenDefect, seenDefects } from './quality/seen-defects';
export {
  DEFAULT_SIMULATOR_OPTIONS,
  type SimulatorOptions,
  simulatorOptionsSchema,
} from './simulator-options';
export type { SimulatorStats } from './simulator-stats';
export { type RunningSimulator, startSimulator } from './start-simulator';
