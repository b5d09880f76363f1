import { GoogleGenAI, MediaResolution } from '@google/genai';
import { LivetoolsError, type Logger } from '@livetools/core';
import { createFakeLiveServer, type FakeLiveServer } from '@livetools/core/testing';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { asyncScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createGeminiAnalyzer,
  type GeminiAnalyzerOptions,
  type GeminiMediaResolution,
  type GeminiVisionClient,
} from './index.js';

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const frame = { mimeType: 'image/jpeg', data: Buffer.from('jpeg').toString('base64'), time: 0 };
const json = JSON.stringify({ answer: '2', description: 'Two people.' });

const sdks = [
  {
    name: '@google/genai 3.x',
    client: (server: FakeLiveServer) =>
      new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server.url } }),
  },
  {
    name: '@google/genai 2.x',
    client: (server: FakeLiveServer) =>
      new GoogleGenAI2({ apiKey: 'k', httpOptions: { baseUrl: server.url } }),
  },
] as const;

describe.each(sdks)('media resolution with the real $name client', (sdk) => {
  const sentConfig = async (options: Partial<GeminiAnalyzerOptions> = {}) => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond(json);
    const session = createGeminiAnalyzer({ ai: sdk.client(server), ...options }).open({
      signal: new AbortController().signal,
      logger: silent,
      scheduler: asyncScheduler,
    });
    await session.analyze(frame);
    return (await server.generateContent.waitForRequest()).generationConfig;
  };

  it('sends frames at MEDIA_RESOLUTION_LOW by default', async () => {
    expect(await sentConfig()).toMatchObject({ mediaResolution: 'MEDIA_RESOLUTION_LOW' });
  });

  it('sends the mediaResolution option instead, the SDK enum included', async () => {
    const medium = await sentConfig({ mediaResolution: 'MEDIA_RESOLUTION_MEDIUM' });
    const high = await sentConfig({ mediaResolution: MediaResolution.MEDIA_RESOLUTION_HIGH });

    expect(medium).toMatchObject({ mediaResolution: 'MEDIA_RESOLUTION_MEDIUM' });
    expect(high).toMatchObject({ mediaResolution: 'MEDIA_RESOLUTION_HIGH' });
  });

  it('lets config.mediaResolution override the default, and the option override config', async () => {
    const fromConfig = await sentConfig({ config: { mediaResolution: 'MEDIA_RESOLUTION_HIGH' } });
    const fromOption = await sentConfig({
      config: { mediaResolution: 'MEDIA_RESOLUTION_HIGH' },
      mediaResolution: 'MEDIA_RESOLUTION_MEDIUM',
    });

    expect(fromConfig).toMatchObject({ mediaResolution: 'MEDIA_RESOLUTION_HIGH' });
    expect(fromOption).toMatchObject({ mediaResolution: 'MEDIA_RESOLUTION_MEDIUM' });
  });

  it("sends no mediaResolution with 'model-default' (the model's own default)", async () => {
    const config = await sentConfig({ mediaResolution: 'model-default' });
    expect(config).not.toHaveProperty('mediaResolution');
  });
});

describe('createGeminiAnalyzer refuses conflicting or invalid options at creation', () => {
  const ai: GeminiVisionClient = { models: { generateContent: () => Promise.resolve({}) } };
  const thrown = (options: Partial<GeminiAnalyzerOptions>): unknown => {
    try {
      createGeminiAnalyzer({ ai, ...options });
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('refuses thinkingLevel and thinkingBudget together with INVALID_OPTION', () => {
    const error = thrown({ config: { thinkingConfig: { thinkingLevel: 'LOW', thinkingBudget: 0 } } });

    expect(LivetoolsError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect((error as Error).message).toContain('thinkingLevel');
    expect((error as Error).message).toContain('thinkingBudget');
    expect((error as Error).message).toContain('not both');
  });

  it('accepts thinkingLevel alone, and thinkingBudget alone (for 2.5 models)', () => {
    expect(thrown({ config: { thinkingConfig: { thinkingLevel: 'LOW' } } })).toBeUndefined();
    expect(thrown({ config: { thinkingConfig: { thinkingBudget: 0 } } })).toBeUndefined();
    expect(
      thrown({ config: { thinkingConfig: { thinkingLevel: undefined, thinkingBudget: 0 } } }),
    ).toBeUndefined();
  });

  it.each([
    ['a number', 3],
    ['an unknown name', 'LOW'],
    ['an empty string', ''],
  ])('refuses a mediaResolution that is %s with INVALID_OPTION', (_, mediaResolution) => {
    const error = thrown({ mediaResolution: mediaResolution as GeminiMediaResolution });

    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect((error as Error).message).toContain('MEDIA_RESOLUTION_LOW');
  });
});
