import { describe, expect, it } from 'vitest';
import { parseGenerateContentPath } from './fake-generate-content-path.js';

describe('parseGenerateContentPath', () => {
  it('routes the path the SDK builds, with the header key', () => {
    expect(parseGenerateContentPath('/v1beta/models/gemini-3.8-flash:generateContent', 'k')).toEqual({
      apiVersion: 'v1beta',
      model: 'models/gemini-3.8-flash',
      method: 'generateContent',
      credential: 'k',
      sse: false,
    });
  });

  it('reads ?key= and ?alt=sse, tuned models and collapsed leading slashes', () => {
    expect(
      parseGenerateContentPath('//v1alpha/tunedModels/mine:streamGenerateContent?alt=sse&key=q'),
    ).toEqual({
      apiVersion: 'v1alpha',
      model: 'tunedModels/mine',
      method: 'streamGenerateContent',
      credential: 'q',
      sse: true,
    });
  });

  it('returns undefined for other paths and undecodable ones', () => {
    expect(parseGenerateContentPath('/v1beta/models/m:countTokens')).toBeUndefined();
    expect(parseGenerateContentPath('/v2/models/m:generateContent')).toBeUndefined();
    expect(parseGenerateContentPath('/v1/models/a/b:generateContent')).toBeUndefined();
    expect(parseGenerateContentPath('/v1/models/%E0%A4%A:generateContent')).toBeUndefined();
  });

  it.each([
    'http://[',
    'http://[/v1beta/models/m:generateContent',
    'http://:99999/v1beta/models/m:generateContent',
    'ws://a b/',
    '//[',
    '*',
    '',
    '%',
  ])('rejects the malformed request target %j without throwing', (target) => {
    expect(() => parseGenerateContentPath(target)).not.toThrow();
    expect(parseGenerateContentPath(target)).toBeUndefined();
  });
});
