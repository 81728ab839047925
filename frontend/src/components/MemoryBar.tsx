import { describeBar, type BarParts } from '../lib/derive';

/** used / allocated-but-unused / free as one horizontal bar; the numbers are in its label. */
export function MemoryBar({ parts, size = 'small' }: { parts: BarParts; size?: 'small' | 'large' }) {
  return (
    <div
      className={`membar membar-${size}${parts.capacityKnown ? '' : ' membar-unknown'}`}
      role="img"
      aria-label={`Memory: ${describeBar(parts)}`}
      title={describeBar(parts)}
    >
      {parts.usedPct > 0 && <span className="membar-used" style={{ width: `${parts.usedPct}%` }} />}
      {parts.reservedPct > 0 && <span className="membar-reserved" style={{ width: `${parts.reservedPct}%` }} />}
      {parts.freePct > 0 && <span className="membar-free" style={{ width: `${parts.freePct}%` }} />}
    </div>
  );
}

/** The key of the three colours. */
export function MemoryLegend() {
  return (
    <ul className="legend" aria-label="Bar colours">
      <li>
        <span className="swatch membar-used" aria-hidden="true" /> used
      </li>
      <li>
        <span className="swatch membar-reserved" aria-hidden="true" /> allocated, unused
      </li>
      <li>
        <span className="swatch membar-free" aria-hidden="true" /> free
      </li>
    </ul>
  );
}
