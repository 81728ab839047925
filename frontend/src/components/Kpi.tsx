import type { ReactNode } from 'react';
import { Tip } from './Tip';

interface KpiProps {
  id: string;
  label: string;
  value: string;
  /** The raw figure behind `value`, for tests and copy-paste. */
  raw?: number | string | null;
  tip: string;
  sub?: ReactNode;
  tone?: 'good' | 'warn' | 'bad' | 'neutral';
}

/** One headline figure with what it means. */
export function Kpi({ id, label, value, raw, tip, sub, tone = 'neutral' }: KpiProps) {
  return (
    <div className={`kpi kpi-${tone}`} data-testid={`kpi-${id}`}>
      <dt className="kpi-label">
        {label}
        <Tip label={label}>{tip}</Tip>
      </dt>
      <dd className="kpi-value" data-value={raw ?? ''}>
        {value}
      </dd>
      {sub && <dd className="kpi-sub">{sub}</dd>}
    </div>
  );
}
