import path from 'node:path';

/** Paths inside `<output>/<run>/`. In-flight files live under `.work/`; the release beside it. */
export class RunFolder {
  constructor(readonly root: string) {}

  get workFolder(): string {
    return path.join(this.root, '.work');
  }

  acceptedLines(iteration: number): string {
    return path.join(this.workFolder, 'iterations', `${iteration}.accepted.jsonl`);
  }

  rejectedLines(iteration: number): string {
    return path.join(this.workFolder, 'iterations', `${iteration}.rejected.jsonl`);
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
}
