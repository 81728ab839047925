import type { Provenance } from '../api/types';
import { CPU_BAND_LABEL, cpuBand, isEstimate, PROVENANCE_LABEL, type NMinusOneStatus } from '../lib/derive';
import { formatPercent } from '../lib/format';

/** CPU pressure with its band in colour and in words. */
export function CpuBadge({ percent }: { percent: number | null }) {
  const band = cpuBand(percent);
  if (band === 'unknown') {
    return (
      <span className="cpu cpu-unknown" title="No BOSH vitals for this cell">
        —<span className="sr-only"> no vitals</span>
      </span>
    );
  }
  return (
    <span className={`cpu cpu-${band}`} title={`CPU ${CPU_BAND_LABEL[band]}`}>
      {formatPercent(percent, 0)}
      <span className="sr-only"> ({CPU_BAND_LABEL[band]})</span>
    </span>
  );
}

/** N−1 status as a coloured label; the sentence with the figures goes in its title. */
export function NMinusOneBadge({ status }: { status: NMinusOneStatus }) {
  return (
    <span className={`n1 n1-${status.level}`} title={status.text} data-level={status.level}>
      {status.label}
    </span>
  );
}

/** A "≈" after a figure that is an estimate, saying where it comes from. */
export function ProvenanceMark({ source }: { source: Provenance }) {
  if (!isEstimate(source)) return null;
  return (
    <span className="estimate" title={`Estimate: ${PROVENANCE_LABEL[source]}`} data-provenance={source}>
      ≈<span className="sr-only"> estimate: {PROVENANCE_LABEL[source]}</span>
    </span>
  );
}
