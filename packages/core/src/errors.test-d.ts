import { describe, expectTypeOf, it } from 'vitest';
import type { LivetoolsErrorCode } from './errors.js';
import { LivetoolsError, ToolDefinitionError, UnknownToolError } from './index.js';

describe('LivetoolsErrorCode (issue 20)', () => {
  it('has no code that nothing raises', () => {
    // @ts-expect-error CONNECTION_CLOSED was never raised: a lost connection is a `closed` event
    const closed: LivetoolsErrorCode = 'CONNECTION_CLOSED';
    expectTypeOf(closed).toEqualTypeOf<LivetoolsErrorCode>();
  });

  it('narrows to the class whose isInstance said yes', () => {
    const error: unknown = new UnknownToolError('t', []);
    if (ToolDefinitionError.isInstance(error)) expectTypeOf(error).toEqualTypeOf<ToolDefinitionError>();
    if (LivetoolsError.isInstance(error)) expectTypeOf(error.code).toEqualTypeOf<LivetoolsErrorCode>();
  });
});
