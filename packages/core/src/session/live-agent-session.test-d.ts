import { describe, expectTypeOf, it } from 'vitest';
import type { LiveAgentSession } from '../index.js';
import * as core from '../index.js';

describe('LiveAgentSession from the package root', () => {
  it('is a type only: sessions come from createLiveAgent(...).connect()', () => {
    expectTypeOf<ReturnType<core.LiveAgent['connect']>>().toEqualTypeOf<Promise<LiveAgentSession>>();
    // @ts-expect-error the root exports no LiveAgentSession value to construct
    const made = () => new core.LiveAgentSession({} as never);
    void made;
  });

  it('stops calls with stopCalls, by id or by tool name, and returns camelCase stopped calls', () => {
    expectTypeOf<LiveAgentSession['stopCalls']>().parameters.toEqualTypeOf<
      [target: core.StopTarget, options?: core.StopOptions]
    >();
    expectTypeOf<core.StoppedCall>().toEqualTypeOf<{
      readonly callId: string;
      readonly toolName: string;
      readonly results: number;
    }>();
    // @ts-expect-error stopTool is now stopCalls
    expectTypeOf<LiveAgentSession>().toHaveProperty('stopTool');
  });
});
