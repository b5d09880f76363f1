// The results table, shared with packages/core/bench: figure, target, ratio, verdict.
export { createReport } from '../../packages/core/bench/lib/report.mjs';
