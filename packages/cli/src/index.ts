/**
 * `@livetools/cli`: the `livetools` command line (`init`, `check`, `run`) and the functions behind
 * it, for scripts and CI.
 *
 * @packageDocumentation
 */

export { addAgainstChecks } from './against.js';
export { type ChangeSeverity, compareSummaries, type SchemaChange } from './against-diff.js';
export { fetchPreviousVersion, type PreviousVersion } from './against-load.js';
export {
  type CheckReport,
  type CheckResult,
  type CheckStatus,
  checkPackage,
} from './check-package.js';
export { CliError, type CliErrorCode } from './cli-error.js';
export { type CliIo, type CliStream, processIo } from './cli-io.js';
export { cliVersion } from './cli-version.js';
export { type FormatCheckReportOptions, formatCheckReport } from './format-check-report.js';
export {
  type PackageSummary,
  summarizeLoadedPackage,
  summarizePackage,
  type ToolSummary,
} from './info-package.js';
export { describeFields, type FieldDescription, fieldLine, schemaType } from './info-schema.js';
export {
  type InitPackageOptions,
  type InitPackageResult,
  initPackage,
  initTemplates,
} from './init-package.js';
export { lintToolParameters } from './lint-parameters.js';
export { type LoadedToolPackage, loadToolPackage } from './load-package.js';
export { runCli } from './run-cli.js';
export {
  type RunEndReason,
  type RunOutcome,
  type RunRefusal,
  type RunResponse,
  type RunToolOptions,
  runTool,
} from './run-tool.js';
export {
  lintParametersSchema,
  SCHEMA_RULES,
  type SchemaFinding,
  type SchemaRule,
  type SchemaSeverity,
  undocumentedParameters,
} from './schema-rules.js';
export { unsatisfiableTypes, ZOD_TYPE_RULES } from './zod-type-rules.js';
