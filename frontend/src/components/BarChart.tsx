import { lazy, Suspense } from 'react';
import type { BarSpec } from '../charts/spec';

const BarChartCanvas = lazy(() => import('../charts/BarChartCanvas'));

interface BarChartProps {
  title: string;
  spec: BarSpec;
  height: number;
  id?: string;
}

/** A titled chart; Chart.js loads on first use. */
export function BarChart({ title, spec, height, id }: BarChartProps) {
  return (
    <figure className="chart" id={id}>
      <figcaption className="chart-title">{title}</figcaption>
      <Suspense fallback={<div className="chart-box chart-loading" style={{ height }} aria-hidden="true" />}>
        <BarChartCanvas spec={spec} height={height} />
      </Suspense>
    </figure>
  );
}
