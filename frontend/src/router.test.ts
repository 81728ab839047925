import { describe, expect, it } from 'vitest';
import { hrefFor, navigate, parseHash, ROUTES, updateParams } from './router';

describe('parseHash', () => {
  it('maps the empty hash to the overview', () => {
    expect(parseHash('').route?.id).toBe('overview');
    expect(parseHash('#').route?.id).toBe('overview');
    expect(parseHash('#/').route?.id).toBe('overview');
  });

  it('reads the route and its parameters', () => {
    const l = parseHash('#/cells?segment=dmz&sort=cpu');
    expect(l.route?.id).toBe('cells');
    expect(l.params.get('segment')).toBe('dmz');
    expect(l.params.get('sort')).toBe('cpu');
  });

  it('tolerates trailing and doubled slashes', () => {
    expect(parseHash('#/apps/').route?.id).toBe('apps');
    expect(parseHash('#//segments').route?.id).toBe('segments');
  });

  it('returns no route for an unknown path', () => {
    const l = parseHash('#/planner');
    expect(l.route).toBeNull();
    expect(l.path).toBe('/planner');
  });

  it('routes the planning view with its scenario parameter', () => {
    const l = parseHash('#/planning?scenario=%7B%22cell_count%22%3A6%7D');
    expect(l.route?.id).toBe('planning');
    expect(l.params.get('scenario')).toBe('{"cell_count":6}');
  });
});

describe('hrefFor and navigation', () => {
  it('leaves out empty parameters', () => {
    expect(hrefFor('/apps', { q: 'web', page: null, segment: '' })).toBe('#/apps?q=web');
    expect(hrefFor('/')).toBe('#/');
  });

  it('updates some parameters and keeps the others', () => {
    navigate('#/cells?segment=dmz&q=cell');
    updateParams(parseHash(window.location.hash), { q: null, sort: 'cpu' });
    expect(window.location.hash).toBe('#/cells?segment=dmz&sort=cpu');
  });

  it('has a route per view, in navigation order', () => {
    expect(ROUTES.map((r) => r.id)).toEqual(['overview', 'cells', 'segments', 'apps', 'planning']);
  });
});
