/** Display formats shared by the dashboard pages and charts. */

export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(digits)}%`;
}

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : Math.round(value).toLocaleString('en-US');
}

/** Dollars with enough digits to tell small simulator costs apart. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value === 0) return '$0';
  if (Math.abs(value) >= 100) return `$${value.toFixed(0)}`;
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  // Four decimals tell simulator-sized costs apart; trailing zeros say nothing.
  return `$${value.toFixed(4).replace(/0+$/, '').replace(/\.$/, '')}`;
}

export function formatDuration(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined || !Number.isFinite(milliseconds)) return '–';
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function formatRate(perMinute: number | null | undefined): string {
  if (perMinute === null || perMinute === undefined) return '–';
  return perMinute >= 10 ? `${perMinute.toFixed(0)}/min` : `${perMinute.toFixed(1)}/min`;
}

/** `2026-11-27 15:41:57` in UTC: unambiguous on a team spread over time zones. */
export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '–';
  return `${new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** `1.4 MB`: file sizes in powers of 1000, as `ls -h --si` shows them. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '–';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** `3 min 20 s (2 min 50 s – 3 min 50 s)`; `~40 s, rough (pace from 7 pairs)` while few pairs settled. */
export function formatEta(
  eta: { etaMs: number; lowMs: number; highMs: number; sampleSize: number; rough: boolean } | null,
): string {
  if (!eta) return '–';
  const range = `${formatDuration(eta.lowMs)} – ${formatDuration(eta.highMs)}`;
  return eta.rough
    ? `~${formatDuration(eta.etaMs)}, rough (pace from ${eta.sampleSize} pair${eta.sampleSize === 1 ? '' : 's'}; ${range})`
    : `${formatDuration(eta.etaMs)} (${range})`;
}
