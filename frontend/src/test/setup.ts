import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { clearResourceCache } from '../api/useResource';
import { forgetSource } from '../views/planning/kept';

afterEach(() => {
  cleanup();
  clearResourceCache();
  forgetSource();
  window.location.hash = '';
});

// happy-dom does no layout: give scrolling regions a viewport so the virtualised cells table
// renders the rows a browser would.
for (const [prop, size] of [
  ['clientHeight', 800],
  ['clientWidth', 1200],
] as const) {
  Object.defineProperty(HTMLElement.prototype, prop, {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('table-scroll') ? size : 0;
    },
  });
}
