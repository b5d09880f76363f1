import { describe, expect, it } from 'vitest';
import { parseLivePath } from './live-path.js';

describe('parseLivePath', () => {
  it('routes the double-slash path the SDK sends', () => {
    expect(
      parseLivePath('//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=abc'),
    ).toEqual({
      apiVersion: 'v1beta',
      method: 'BidiGenerateContent',
      credential: 'abc',
      platform: 'gemini-api',
    });
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
      platform: 'gemini-api',
    });
  });

  it('falls back to the x-goog-api-key header', () => {
    expect(
      parseLivePath('/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent', 'h'),
    ).toEqual({
      apiVersion: 'v1',
      method: 'BidiGenerateContent',
      credential: 'h',
      platform: 'gemini-api',
    });
  });

  it('routes the Vertex AI endpoint (express mode: the key is in the x-goog-api-key header)', () => {
    expect(
      parseLivePath('//ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent', 'k'),
    ).toEqual({
      apiVersion: 'v1beta1',
      method: 'BidiGenerateContent',
      credential: 'k',
      platform: 'vertex-ai',
    });
  });

  it.each([
    '/',
    '/ws/google.ai.generativelanguage.v2.GenerativeService.BidiGenerateContent?key=k',
    '/ws/google.ai.generativelanguage.v1.GenerativeService.GenerateContent?key=k',
    '/ws/google.cloud.aiplatform.v2.LlmBidiService/BidiGenerateContent',
    '/ws/google.cloud.aiplatform.v1.LlmBidiService/BidiGenerateContentConstrained',
  ])('rejects %s', (path) => {
    expect(parseLivePath(path)).toBeUndefined();
  });

  it.each([
    'http://[',
    'http://[/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=k',
    'ws://a b/',
    'http://:99999/',
    '//[',
    '*',
    '',
    '%',
    '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent%',
  ])('rejects the malformed request target %j without throwing', (target) => {
    expect(() => parseLivePath(target)).not.toThrow();
    expect(parseLivePath(target)).toBeUndefined();
  });
});
