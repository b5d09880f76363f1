import { defineToolPackage } from '@livetools/core';
import { stockTools } from './default-stock-tools.js';
import { DEFAULT_MAX_REPORTS_PER_MINUTE, DEFAULT_THRESHOLD_PERCENT } from './monitor-quotes.js';

/**
 * The manifest of `@livetools/tools-stock`: its tools on the offline simulated source
 * ({@link stockTools}), their documented defaults and the `@livetools/core` versions it was built
 * for. Take the tools with `toolsOf`, which checks that the running core is one of those; use
 * `createStockTools` instead for another quote source.
 *
 * @example
 * ```ts
 * import { createLiveAgent, toolsOf } from '@livetools/core';
 * import { toolPackage } from '@livetools/tools-stock';
 *
 * const agent = createLiveAgent({ ai, model, tools: toolsOf(toolPackage) });
 * ```
 */
export const toolPackage = defineToolPackage({
  name: '@livetools/tools-stock',
  // Kept in step with package.json by tool-package.test.ts.
  version: '0.1.0',
  core: '^0.1.0',
  tools: stockTools,
  defaults: {
    /** Where quotes come from: the offline simulated source. */
    source: 'simulated',
    /** Move, in percent since the last report, worth a report. */
    thresholdPercent: DEFAULT_THRESHOLD_PERCENT,
    /** Minimum seconds between two ordinary move reports. */
    minSecondsBetweenReports: 0,
    /** Hard cap on the reports of one call, of every kind, a minute (after a burst of 3). */
    maxReportsPerMinute: DEFAULT_MAX_REPORTS_PER_MINUTE,
    /** How long a watch runs, in minutes: `null` for until stopped. */
    durationMinutes: null,
  },
});
