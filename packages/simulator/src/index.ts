export {
  DEFAULT_SIMULATOR_OPTIONS,
  type SimulatorOptions,
  simulatorOptionsSchema,
} from './simulator-options';
export type { SimulatorStats } from './simulator-stats';
export { type RunningSimulator, startSimulator } from './start-simulator';
