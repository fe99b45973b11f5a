import { readFileSync } from 'node:fs';

// USER_HZ: /proc/stat counts in clock ticks of 1/100 s on mainstream kernels.
const TICKS_PER_SECOND = 100;

function readCpuTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/**
 * How busy the whole machine was while a scenario ran, and how much of that was not the
 * benchmark: other work on a shared 2-core machine slows CPU-bound scenarios, so the results
 * say how much there was.
 */
export class MachineLoad {
  private readonly start = readCpuTicks();
  private readonly runnerStart = process.cpuUsage();

  /**
   * `childCpuSeconds`: CPU time of the benchmark's child processes over the same span; this
   * process's own (the naive baseline runs here) is added.
   */
  async measure(childCpuSeconds: number): Promise<{ foreignCpuShare: number; machineBusyShare: number }> {
    const end = readCpuTicks();
    const runner = process.cpuUsage(this.runnerStart);
    const ownTicks = (childCpuSeconds + (runner.user + runner.system) / 1e6) * TICKS_PER_SECOND;
    const total = end.total - this.start.total;
    const busy = end.busy - this.start.busy;
    if (total <= 0) return { foreignCpuShare: 0, machineBusyShare: 0 };
    return { foreignCpuShare: Math.max(0, busy - ownTicks) / total, machineBusyShare: busy / total };
  }
}
