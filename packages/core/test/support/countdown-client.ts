import { Behavior, type LiveConnectConfig } from '@google/genai';
import type { FakeLiveServer } from '../../src/testing/index.js';
import { openClient, type SdkUnderTest, type StartClientOptions, textConfig } from './live-client.js';

/** The parameters of the `countdown` tool the fake server tests declare. */
export const countdownSchema = {
  type: 'object',
  properties: { n: { type: 'integer', minimum: 1 } },
  required: ['n'],
  additionalProperties: false,
};

/** A text session config declaring `countdown` (NON_BLOCKING), with session resumption on. */
export function countdownConfig(extra: LiveConnectConfig = {}): LiveConnectConfig {
  return textConfig(
    [
      {
        name: 'countdown',
        description: 'Counts down.',
        behavior: Behavior.NON_BLOCKING,
        parametersJsonSchema: structuredClone(countdownSchema),
      },
    ],
    { sessionResumption: {}, ...extra },
  );
}

/** Opens a real SDK client on `server` with {@link countdownConfig}. */
export const openCountdownClient = (
  sdk: SdkUnderTest,
  server: FakeLiveServer,
  options: StartClientOptions = {},
) => openClient(sdk, server, { config: countdownConfig(), ...options });
