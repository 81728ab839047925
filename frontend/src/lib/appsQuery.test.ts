import { describe, expect, it } from 'vitest';
import { appsQueryFrom } from './appsQuery';
import { parseHash } from '../router';

describe('appsQueryFrom', () => {
  it('defaults to the largest requests first, 50 a page', () => {
    expect(appsQueryFrom(parseHash('#/apps'))).toEqual({
      q: undefined,
      segment: undefined,
      state: undefined,
      sort: 'requested',
      order: 'desc',
      limit: 50,
      offset: 0,
      page: 1,
      size: 50,
    });
  });

  it('reads filters, sort and page from the URL', () => {
    const q = appsQueryFrom(parseHash('#/apps?q=%20pay%20&segment=dmz&state=started&sort=name&page=3&size=25'));
    expect(q).toMatchObject({ q: 'pay', segment: 'dmz', state: 'started', sort: 'name', order: 'asc', limit: 25, offset: 50, page: 3 });
  });

  it('ignores values the API would reject', () => {
    const q = appsQueryFrom(parseHash('#/apps?sort=bogus&order=sideways&size=7&page=-2&state=crashed'));
    expect(q).toMatchObject({ sort: 'requested', order: 'desc', limit: 50, offset: 0, state: undefined });
  });
});
