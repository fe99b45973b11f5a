import { readFile } from 'node:fs/promises';

/** A V8 `.cpuprofile` as `node --cpu-prof` writes it. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileLine {
  name: string;
  /** Share of all samples, in [0, 1]. */
  share: number;
  ms: number;
}

export interface CpuProfileSummary {
  file: string;
  totalMs: number;
  /** Self time by function (`name file:line`). */
  functions: ProfileLine[];
  /** Self time by area: a package (`bullmq`, `ioredis`, `@parley/critic`), `(garbage collector)`, `(idle)`, node internals. */
  areas: ProfileLine[];
  /** Inclusive time of the functions whose stacks contain them, for a few named areas. */
  inclusive: ProfileLine[];
}

/** Groups a frame's URL into an area: the npm package or Parley package it belongs to. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const packageMatch = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (packageMatch) return packageMatch[1]!;
  const parley = url.match(/\/(packages|apps)\/([^/]+)\/src\//);
  if (parley) return `@parley/${parley[2]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.split('/').slice(-2).join('/');
}

/** Self time per function and per area from a `.cpuprofile`, largest first. */
export async function summarizeCpuProfile(file: string, top = 25): Promise<CpuProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const totalMicros = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id)!;
    const frame = node.callFrame;
    const where = frame.url ? `${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + micros);
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + micros);
    // Inclusive per area: each sample counts once for every distinct area on its stack.
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const ancestor = byId.get(current)!.callFrame;
      const ancestorArea = areaOf(ancestor.url, ancestor.functionName);
      if (seen.has(ancestorArea)) continue;
      seen.add(ancestorArea);
      inclusive.set(ancestorArea, (inclusive.get(ancestorArea) ?? 0) + micros);
    }
  }
  const lines = (map: Map<string, number>): ProfileLine[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({
        name,
        share: totalMicros > 0 ? micros / totalMicros : 0,
        ms: Math.round(micros / 1000),
      }));
  return {
    file,
    totalMs: Math.round(totalMicros / 1000),
    functions: lines(functions),
    areas: lines(areas),
    inclusive: lines(inclusive),
  };
}

/** `name  12.3%  456 ms` lines for a report. */
export function formatProfileLines(lines: readonly ProfileLine[]): string {
  return lines
    .map(
      (line) =>
        `${(line.share * 100).toFixed(1).padStart(5)}%  ${String(line.ms).padStart(7)} ms  ${line.name}`,
    )
    .join('\n');
}

/** Process name → summary, for every `.cpuprofile` in a folder (named `<process>-<time>.cpuprofile`). */
export async function summarizeProfileFolder(
  folder: string,
  top = 12,
): Promise<Record<string, Omit<CpuProfileSummary, 'inclusive'>>> {
  const { readdir } = await import('node:fs/promises');
  const summaries: Record<string, Omit<CpuProfileSummary, 'inclusive'>> = {};
  for (const name of (await readdir(folder)).filter((file) => file.endsWith('.cpuprofile')).sort()) {
    const { inclusive: _inclusive, ...summary } = await summarizeCpuProfile(`${folder}/${name}`, top);
    summaries[name.replace(/-\d+\.cpuprofile$/, '')] = summary;
  }
  return summaries;
}
