import { readFile } from 'node:fs/promises';

/** What one process used, from /proc (Linux). */
export interface ProcessUsage {
  name: string;
  pid: number;
  /** Peak resident set (VmHWM, kept by the kernel), in bytes. */
  peakRssBytes: number;
  /** CPU time (user + system) while sampled, in seconds. */
  cpuSeconds: number;
}

interface Sample {
  name: string;
  pid: number;
  peakRssBytes: number;
  /** [time (ms since epoch), resident bytes] at every sample. */
  timeline: Array<[number, number]>;
  firstCpuTicks: number | undefined;
  lastCpuTicks: number;
}

// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream kernel.
const TICKS_PER_SECOND = 100;

/**
 * Follows processes by pid: peak RSS from VmHWM (so a short spike between samples still
 * counts) and CPU seconds from /proc/PID/stat. Read before a process exits, since /proc
 * forgets it afterwards: call `sample()` last just before stopping the processes.
 */
export class ProcessSampler {
  private readonly samples = new Map<number, Sample>();
  private timer: NodeJS.Timeout | undefined;

  /** Starts following a process; its CPU time counts from now. */
  track(name: string, pid: number): void {
    this.samples.set(pid, {
      name,
      pid,
      peakRssBytes: 0,
      timeline: [],
      firstCpuTicks: undefined,
      lastCpuTicks: 0,
    });
    void this.sampleOne(this.samples.get(pid)!);
  }

  /** CPU time counts from now (after start-up, so that compiling TypeScript is not charged to the run). */
  async restartCpu(): Promise<void> {
    await this.sample();
    for (const sample of this.samples.values()) sample.firstCpuTicks = sample.lastCpuTicks;
  }

  start(intervalMs = 500): void {
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  async sample(): Promise<void> {
    await Promise.all([...this.samples.values()].map((sample) => this.sampleOne(sample)));
  }

  /** Highest resident set sampled between two times (ms since epoch), per process name. */
  peakBetween(from: number, to: number): Record<string, number> {
    const peaks: Record<string, number> = {};
    for (const sample of this.samples.values()) {
      const inside = sample.timeline.filter(([at]) => at >= from && at <= to).map(([, bytes]) => bytes);
      peaks[sample.name] = inside.length > 0 ? Math.max(...inside) : 0;
    }
    return peaks;
  }

  /** Stops sampling and returns each process's figures. */
  async stop(): Promise<ProcessUsage[]> {
    clearInterval(this.timer);
    await this.sample();
    return [...this.samples.values()].map((sample) => ({
      name: sample.name,
      pid: sample.pid,
      peakRssBytes: sample.peakRssBytes,
      cpuSeconds: (sample.lastCpuTicks - (sample.firstCpuTicks ?? sample.lastCpuTicks)) / TICKS_PER_SECOND,
    }));
  }

  private async sampleOne(sample: Sample): Promise<void> {
    try {
      const [status, stat] = await Promise.all([
        readFile(`/proc/${sample.pid}/status`, 'utf8'),
        readFile(`/proc/${sample.pid}/stat`, 'utf8'),
      ]);
      const peak = status.match(/^VmHWM:\s+(\d+) kB/m);
      if (peak) sample.peakRssBytes = Math.max(sample.peakRssBytes, Number(peak[1]) * 1024);
      const resident = status.match(/^VmRSS:\s+(\d+) kB/m);
      if (resident) sample.timeline.push([Date.now(), Number(resident[1]) * 1024]);
      // Fields after the command name (which may hold spaces) start at state; utime and stime are 14th and 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      sample.firstCpuTicks ??= ticks;
      sample.lastCpuTicks = ticks;
    } catch {
      // The process has exited: keep what was seen last.
    }
  }
}
