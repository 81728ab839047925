// Formatting of the API's figures. Sizes arrive in MiB (binary units): we print MiB, GiB or
// TiB so that "4 GiB chunks" and a cell's 62.9 GiB use the same units as Diego.

/** Shown for a figure the API could not determine. */
export const UNKNOWN = '—';

const MIB_PER_GIB = 1024;
const MIB_PER_TIB = 1024 * 1024;

function trimFixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

/**
 * MiB → "512 MiB", "62.9 GiB", "441 GiB", "1.23 TiB". One decimal below 100 GiB, none above;
 * two decimals in TiB. Null → "—".
 */
export function formatMiB(mb: number | null | undefined): string {
  if (mb === null || mb === undefined || !Number.isFinite(mb)) return UNKNOWN;
  const sign = mb < 0 ? '−' : '';
  const abs = Math.abs(mb);
  if (abs < MIB_PER_GIB) return `${sign}${Math.round(abs)} MiB`;
  if (abs < MIB_PER_TIB) {
    const gib = abs / MIB_PER_GIB;
    // Round first so that 99.96 GiB reads "100 GiB", not "100.0 GiB".
    const rounded = Math.round(gib * 10) / 10;
    if (rounded >= 1024) return `${sign}${trimFixed(abs / MIB_PER_TIB, 2)} TiB`;
    return rounded >= 100 ? `${sign}${Math.round(gib)} GiB` : `${sign}${trimFixed(rounded, 1)} GiB`;
  }
  return `${sign}${trimFixed(abs / MIB_PER_TIB, 2)} TiB`;
}

/** A chunk size as people say it: 4096 → "4 GiB", 512 → "512 MiB". */
export function formatChunk(mb: number): string {
  if (mb >= MIB_PER_GIB && mb % MIB_PER_GIB === 0) return `${mb / MIB_PER_GIB} GiB`;
  return formatMiB(mb);
}

/** 67.301 → "67.3%"; null → "—". */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return UNKNOWN;
  return `${value.toFixed(digits)}%`;
}

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1000 → "1,000". */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return UNKNOWN;
  return countFormat.format(value);
}

/** A duration in seconds: "45 s", "4 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours ? `${days} d ${restHours} h` : `${days} d`;
}

/** An age in seconds: "just now", "45 s ago", "4 min ago". */
export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return UNKNOWN;
  if (seconds < 5) return 'just now';
  return `${formatDuration(seconds)} ago`;
}

/** A byte count while downloading: "812 B", "340 KB", "1.2 MB" (decimal, as transfers go). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** RFC 3339 → local "2026-11-21 22:23:38" (with the zone in a tooltip elsewhere). */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return UNKNOWN;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** "1 cell", "2 cells". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
