// Chart.js configuration of a BarSpec. Imported only by BarChartCanvas (the lazy chart chunk).

import { Chart, type ChartConfiguration } from 'chart.js';
import { UNIT_MIB, type BarSpec } from './spec';
import { formatMiB } from '../lib/format';

const FONT = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 12 };

/**
 * The Chart.js configuration of a spec. Many bars draw without gaps; nothing animates when
 * there are many bars or the user asked for reduced motion.
 */
export function toConfig(spec: BarSpec, reducedMotion = false): ChartConfiguration<'bar'> {
  const many = spec.labels.length > 60;
  const valueAxis = spec.horizontal ? 'x' : 'y';
  const categoryAxis = spec.horizontal ? 'y' : 'x';
  return {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s) => ({
        label: s.label,
        data: s.data,
        backgroundColor: s.color,
        borderColor: '#ffffff',
        borderWidth: many ? 0 : { top: 0, bottom: 0, left: 0, right: spec.horizontal ? 1 : 0 },
        stack: s.stack,
        barPercentage: many ? 1 : 0.8,
        categoryPercentage: many ? 1 : 0.8,
      })),
    },
    options: {
      indexAxis: spec.horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: many || reducedMotion ? false : { duration: 250 },
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: {
          position: 'bottom',
          labels: {
            font: FONT,
            color: '#1b1f24',
            boxWidth: 14,
            generateLabels: (chart) =>
              Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => {
                const swatch = spec.series[item.datasetIndex ?? -1]?.legendColor;
                return swatch ? { ...item, fillStyle: swatch, strokeStyle: swatch } : item;
              }),
          },
        },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label ?? ''}: ${formatMiB(Number(item.raw) * UNIT_MIB[spec.unit])}`,
          },
        },
      },
      scales: {
        [valueAxis]: {
          stacked: spec.stacked,
          beginAtZero: true,
          title: { display: true, text: spec.unit, font: FONT, color: '#57606a' },
          ticks: { font: FONT, color: '#57606a' },
          grid: { color: '#e6e9ee' },
        },
        [categoryAxis]: {
          stacked: spec.stacked,
          ticks: { font: FONT, color: '#1b1f24', autoSkip: true, display: spec.labels.length <= 120 },
          grid: { display: false },
        },
      },
    },
  };
}
