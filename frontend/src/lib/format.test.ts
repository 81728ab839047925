import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatBytes,
  formatChunk,
  formatCount,
  formatDuration,
  formatMiB,
  formatPercent,
  formatTimestamp,
  plural,
  UNKNOWN,
} from './format';

describe('formatMiB', () => {
  it('keeps small sizes in MiB', () => {
    expect(formatMiB(0)).toBe('0 MiB');
    expect(formatMiB(104)).toBe('104 MiB');
    expect(formatMiB(1023)).toBe('1023 MiB');
  });

  it('uses GiB with one decimal below 100 GiB', () => {
    expect(formatMiB(1024)).toBe('1.0 GiB');
    expect(formatMiB(64488)).toBe('63.0 GiB');
    expect(formatMiB(21184)).toBe('20.7 GiB');
  });

  it('drops the decimal from 100 GiB and never prints "100.0"', () => {
    expect(formatMiB(102350)).toBe('100 GiB'); // 99.95 GiB rounds to 100
    expect(formatMiB(451416)).toBe('441 GiB');
  });

  it('switches to TiB at 1,024 GiB, including values that round up to it', () => {
    expect(formatMiB(1024 * 1024)).toBe('1.00 TiB');
    expect(formatMiB(1024 * 1024 - 1)).toBe('1.00 TiB');
    expect(formatMiB(1.5 * 1024 * 1024)).toBe('1.50 TiB');
    expect(formatMiB(64 * 1024 * 1024)).toBe('64.00 TiB');
  });

  it('says unknown for missing values', () => {
    expect(formatMiB(null)).toBe(UNKNOWN);
    expect(formatMiB(undefined)).toBe(UNKNOWN);
    expect(formatMiB(Number.NaN)).toBe(UNKNOWN);
  });

  it('signs negative sizes with a real minus', () => {
    expect(formatMiB(-2048)).toBe('−2.0 GiB');
  });
});

describe('formatChunk', () => {
  it('names whole GiB chunks as people say them', () => {
    expect(formatChunk(4096)).toBe('4 GiB');
    expect(formatChunk(2048)).toBe('2 GiB');
    expect(formatChunk(512)).toBe('512 MiB');
    expect(formatChunk(1536)).toBe('1.5 GiB');
  });
});

describe('formatPercent', () => {
  it('rounds to one decimal by default', () => {
    expect(formatPercent(67.30111471458699)).toBe('67.3%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(199.578)).toBe('199.6%');
  });

  it('takes a precision', () => {
    expect(formatPercent(38.2, 0)).toBe('38%');
  });

  it('says unknown for null', () => {
    expect(formatPercent(null)).toBe(UNKNOWN);
  });
});

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(250000)).toBe('250,000');
    expect(formatCount(7)).toBe('7');
    expect(formatCount(null)).toBe(UNKNOWN);
  });
});

describe('formatDuration and formatAge', () => {
  it('reads like a person would say it', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45.9)).toBe('45 s');
    expect(formatDuration(240)).toBe('4 min');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(3900)).toBe('1 h 5 min');
    expect(formatDuration(86400 * 2 + 3600 * 4)).toBe('2 d 4 h');
    expect(formatDuration(86400)).toBe('1 d');
  });

  it('calls very young data "just now"', () => {
    expect(formatAge(0)).toBe('just now');
    expect(formatAge(4)).toBe('just now');
    expect(formatAge(5)).toBe('5 s ago');
    expect(formatAge(240)).toBe('4 min ago');
    expect(formatAge(null)).toBe(UNKNOWN);
  });
});

describe('formatBytes', () => {
  it('uses decimal transfer units', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(340_000)).toBe('340 KB');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
  });
});

describe('formatTimestamp', () => {
  it('prints local date and time', () => {
    const iso = '2026-11-21T22:23:38Z';
    const d = new Date(iso);
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(formatTimestamp(iso)).toBe(
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:38`,
    );
  });

  it('passes through what it cannot parse and says unknown for nothing', () => {
    expect(formatTimestamp('yesterday')).toBe('yesterday');
    expect(formatTimestamp(null)).toBe(UNKNOWN);
  });
});

describe('plural', () => {
  it('agrees with the count', () => {
    expect(plural(1, 'cell')).toBe('1 cell');
    expect(plural(2, 'cell')).toBe('2 cells');
    expect(plural(1000, 'instance')).toBe('1,000 instances');
  });
});
