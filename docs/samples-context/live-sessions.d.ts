/**
 * The setup that the samples of the live sessions guide marked `context=live-sessions` continue
 * from: the tools of the other guides, an agent, and the usual imports.
 */

declare const createLiveAgent: typeof import('@livetools/core').createLiveAgent;
declare const GoogleGenAI: typeof import('@google/genai').GoogleGenAI;

/** `countdown` from the streaming tools guide. */
declare const countdown: import('@livetools/core').StreamingTool;
/** `watch_price` from the streaming tools guide. */
declare const watchPrice: import('@livetools/core').StreamingTool;
/** The agent's tools. */
declare const tools: readonly import('@livetools/core').AnyTool[];
/** An agent made with `createLiveAgent`. */
declare const agent: import('@livetools/core').LiveAgent;
