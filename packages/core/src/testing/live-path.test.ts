import { describe, expect, it } from 'vitest';
import { parseLivePath } from './live-path.js';

describe('parseLivePath', () => {
  it('routes the double-slash path the SDK sends', () => {
    expect(
      parseLivePath('//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=abc'),
    ).toEqual({ apiVersion: 'v1beta', method: 'BidiGenerateContent', credential: 'abc' });
  });

  it('reads access_token on the constrained endpoint and accepts any v1 version', () => {
    expect(
      parseLivePath(
        '///ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=auth_tokens/x',
      ),
    ).toEqual({
      apiVersion: 'v1alpha',
      method: 'BidiGenerateContentConstrained',
      credential: 'auth_tokens/x',
    });
  });

  it('falls back to the x-goog-api-key header', () => {
    expect(
      parseLivePath('/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent', 'h'),
    ).toEqual({
      apiVersion: 'v1',
      method: 'BidiGenerateContent',
      credential: 'h',
    });
  });

  it.each([
    '/',
    '/ws/google.ai.generativelanguage.v2.GenerativeService.BidiGenerateContent?key=k',
    '/ws/google.ai.generativelanguage.v1.GenerativeService.GenerateContent?key=k',
    '/ws/google.cloud.aiplatform.v1.LlmBidiService/BidiGenerateContent',
  ])('rejects %s', (path) => {
    expect(parseLivePath(path)).toBeUndefined();
  });
});
