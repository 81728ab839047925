#!/usr/bin/env node
// Prints the gzip size of the JavaScript the first view (Overview) needs, from the Vite
// manifest of `npm run build`: the entry chunk, its static imports, and the lazy chunks the
// Overview loads at once (its chart). Exits 1 above the budget. `--json` prints JSON.
//
// gzip uses zlib's default level (6), as capacity-server's compression layer does.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 250_000; // 250 KB gzip
/** Lazy modules the first view requests as soon as it renders. */
const FIRST_VIEW_LAZY = ['src/charts/BarChartCanvas.tsx'];

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const manifestPath = path.join(dist, '.vite', 'manifest.json');
if (!existsSync(manifestPath)) {
  console.error(`${manifestPath} is missing: run \`npm run build\` first.`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

function closure(keys) {
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest has no ${key}`);
    seen.add(key);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  keys.forEach(visit);
  return seen;
}

const entries = Object.keys(manifest).filter((k) => manifest[k].isEntry);
if (entries.length !== 1) throw new Error(`expected one entry chunk, found ${entries.length}`);
const firstView = closure([...entries, ...FIRST_VIEW_LAZY]);

function measure(file) {
  const bytes = readFileSync(path.join(dist, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes).length };
}

const rows = [...firstView].map((k) => measure(manifest[k].file)).filter((r) => r.file.endsWith('.js'));
const allJs = Object.values(manifest)
  .map((c) => c.file)
  .filter((f, i, a) => f.endsWith('.js') && a.indexOf(f) === i)
  .map(measure);
const sum = (list, key) => list.reduce((n, r) => n + r[key], 0);
const result = {
  first_view_js_gzip_bytes: sum(rows, 'gzip'),
  first_view_js_raw_bytes: sum(rows, 'raw'),
  all_js_gzip_bytes: sum(allJs, 'gzip'),
  budget_gzip_bytes: BUDGET_BYTES,
  first_view_files: rows,
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  console.log('JavaScript of the first view (Overview), gzip level 6:');
  for (const r of rows) console.log(`  ${r.file.padEnd(44)} ${kb(r.raw).padStart(10)} raw  ${kb(r.gzip).padStart(9)} gzip`);
  console.log(
    `  ${'total'.padEnd(44)} ${kb(result.first_view_js_raw_bytes).padStart(10)} raw  ${kb(result.first_view_js_gzip_bytes).padStart(9)} gzip`,
  );
  console.log(`All JavaScript chunks: ${kb(result.all_js_gzip_bytes)} gzip. Budget for the first view: ${kb(BUDGET_BYTES)} gzip.`);
}
if (result.first_view_js_gzip_bytes > BUDGET_BYTES) {
  console.error(`first-view JavaScript is ${result.first_view_js_gzip_bytes} bytes gzip, over the ${BUDGET_BYTES}-byte budget`);
  process.exit(1);
}
