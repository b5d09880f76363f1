/**
 * The free names that documentation samples may use without defining them, so that a sample can
 * show one thing without repeating its setup. Keep the list short: a sample that needs anything
 * else defines it. Checked by `scripts/check-samples.mjs`.
 */

/** Your `GoogleGenAI` client. */
declare const ai: import('@google/genai').GoogleGenAI;
/** A Live API model name. */
declare const model: string;
/** A connected live session. */
declare const session: import('@livetools/core').LiveAgentSession;
/** The bytes of one JPEG camera frame. */
declare const jpegBytes: Uint8Array;
