import path from 'node:path';

/** The folder, beside the runs in `<output>/`, that holds every run's in-flight files. */
export const WORK_ROOT_NAME = '.parley-work';

/**
 * The one source of a run's paths. The release lives in `<output>/<run>/` and holds only what
 * ships; the run's in-flight files (settled-pair lines, stage chunks, the release writer's
 * spool) live outside it, in `<output>/.parley-work/<run>/`, so syncing or uploading the
 * release folder never carries them.
 */
export class RunFolder {
  constructor(readonly root: string) {}

  /** `<output>/.parley-work/<run>/`: the run's private working state, never part of a release. */
  get workFolder(): string {
    return path.join(
      path.dirname(path.resolve(this.root)),
      WORK_ROOT_NAME,
      path.basename(path.resolve(this.root)),
    );
  }

  /** Where the scheduler appends settled pairs while the run is in flight. */
  get workIterationsFolder(): string {
    return path.join(this.workFolder, 'iterations');
  }

  acceptedLines(iteration: number): string {
    return path.join(this.workIterationsFolder, `${iteration}.accepted.jsonl`);
  }

  rejectedLines(iteration: number): string {
    return path.join(this.workIterationsFolder, `${iteration}.rejected.jsonl`);
  }

  /** Stage 1–3 chunk outputs, kept so a resumed run re-runs only the chunks it lacks. */
  get chunksFolder(): string {
    return path.join(this.workFolder, 'chunks');
  }

  /** What stages 1–3 (or the seed-pairs mode) did, counted by reason; the release cites it. */
  get stageStatistics(): string {
    return path.join(this.workFolder, 'stage-statistics.json');
  }

  get pairs(): string {
    return path.join(this.root, 'pairs.jsonl');
  }

  get profiles(): string {
    return path.join(this.root, 'profiles.jsonl');
  }

  get personas(): string {
    return path.join(this.root, 'personas.jsonl');
  }

  /** `<output>/<run>/eval.json`: `parley eval`'s report, written about the release, not sealed by it. */
  get evaluationReport(): string {
    return path.join(this.root, 'eval.json');
  }
}
