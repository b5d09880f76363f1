import { createSimulatedSource } from './simulated-source.js';
import { createStockTools, type StockTools } from './stock-tools.js';

/**
 * The stock tools on the offline simulated source (reproducible, no key, no network): the
 * quickest way to try a price-watching agent.
 *
 * @example
 * ```ts
 * import { stockTools } from '@livetools/tools-stock';
 * const agent = createLiveAgent({ ai, model, tools: stockTools });
 * ```
 */
export const stockTools: StockTools = createStockTools({ source: createSimulatedSource() });
