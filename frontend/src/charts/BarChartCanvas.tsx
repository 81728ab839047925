// The only module that imports Chart.js: loaded lazily, so the first paint does not wait for it.

import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { toConfig } from './config';
import type { BarSpec } from './spec';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export default function BarChartCanvas({ spec, height }: { spec: BarSpec; height: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
    const chart = new Chart(canvas.current, toConfig(spec, reduced));
    return () => chart.destroy();
  }, [spec]);
  return (
    <div className="chart-box" style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={spec.summary}>
        {spec.summary}
      </canvas>
    </div>
  );
}
