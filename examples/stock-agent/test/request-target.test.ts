import { describe, expect, it } from 'vitest';
import { maxTargetLength, parseRequestTarget } from '../src/web/request-target.js';

describe('parseRequestTarget', () => {
  it('decodes the path and reads the query', () => {
    const target = parseRequestTarget('/a%20b/c.html?token=x%2By&token=z');
    expect(target).toMatchObject({ ok: true, path: '/a b/c.html' });
    expect(target.ok && target.query.getAll('token')).toEqual(['x+y', 'z']);
    expect(parseRequestTarget('//[')).toMatchObject({ ok: true, path: '//[' });
  });

  it.each([
    [undefined, 400],
    ['', 400],
    ['*', 400],
    ['http://[', 400],
    ['http://127.0.0.1:8787/', 400],
    ['example.com:443', 400],
    ['/%', 400],
    ['/%zz', 400],
    ['/a%4', 400],
    ['/?token=%', 400],
    ['/%E0%A4%A', 400],
    ['/%C0%AF', 400],
    ['/%00', 400],
    ['/%0d%0a', 400],
    ['/a b', 400],
    ['/a\u0001', 400],
    ['/caf\u00e9', 400],
    ['/x#y', 400],
    [`/${'a'.repeat(maxTargetLength)}`, 414],
  ])('refuses %j with %i, without throwing', (raw, status) => {
    expect(parseRequestTarget(raw)).toMatchObject({ ok: false, status, message: expect.any(String) });
  });
});
