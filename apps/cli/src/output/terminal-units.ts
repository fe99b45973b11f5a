/**
 * Terse units for terminal lines (progress, status, summaries), where every column counts:
 * `4m 05s`, `$0.1717`, `14.2 pairs/min`.
 */

/** `42s`, `4m 05s`, `1h 02m`; `–` when unknown. */
export function formatElapsed(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined || !Number.isFinite(milliseconds)) return '–';
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Dollars with four decimals below $1 (simulator-sized costs stay apart), two above. */
export function formatDollars(value: number): string {
  if (value >= 1) return `$${value.toFixed(2)}`;
  return `$${value.toFixed(4)}`;
}

/** `14.2 pairs/min`, `120 pairs/min`; `– pairs/min` before there is a pace. */
export function formatPairRate(perMinute: number | null | undefined): string {
  if (perMinute === null || perMinute === undefined || !Number.isFinite(perMinute)) return '– pairs/min';
  return `${perMinute >= 100 ? perMinute.toFixed(0) : perMinute.toFixed(1)} pairs/min`;
}

/** `ETA 4m 05s`; `ETA ~40s` while the pace rests on few pairs; `ETA –` without a pace. */
export function formatEta(eta: { etaMs: number; rough: boolean } | null | undefined): string {
  if (!eta) return 'ETA –';
  return `ETA ${eta.rough ? '~' : ''}${formatElapsed(eta.etaMs)}`;
}

/** `12,345`: digits grouped so token counts read at a glance. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A text cut to `width` characters, the cut marked with `…`. */
export function shorten(text: string, width: number): string {
  const characters = Array.from(text);
  if (characters.length <= width) return text;
  return width <= 1
    ? '…'.slice(0, width)
    : `${characters
        .slice(0, width - 1)
        .join('')
        .trimEnd()}…`;
}
