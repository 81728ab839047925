// The imported snapshot and the chosen data source, kept for the life of the tab: leaving the
// Planning view and coming back does not lose an import. Nothing is written to storage.

import type { Snapshot } from '../../api/types';

export interface Imported {
  /** Distinguishes imports of the same file. */
  id: number;
  snapshot: Snapshot;
  cells: number;
  segments: number;
  fileName: string;
}

export interface KeptSource {
  source: 'live' | 'snapshot';
  imported: Imported | null;
}

let kept: KeptSource = { source: 'live', imported: null };

export function keptSource(): KeptSource {
  return kept;
}

export function keepSource(next: KeptSource): void {
  kept = next;
}

/** Forgets the import (tests; sign-out and session expiry). */
export function forgetSource(): void {
  kept = { source: 'live', imported: null };
}
