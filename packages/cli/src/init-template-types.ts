/** What the templates are filled in with. @internal */
export interface TemplateValues {
  /** The package's npm name. */
  readonly name: string;
  /** The running `@livetools/core` version: the scaffold's peer range is `^` it. */
  readonly coreVersion: string;
  /** This CLI's version, for the scaffold's devDependency on it. */
  readonly cliVersion: string;
}

/** The tool a scaffold starts with: its source, its tests, and how the README and package.json describe it. @internal */
export interface ToolTemplate {
  /** package.json `description`. */
  readonly description: string;
  /** The README's bullet list of tools. */
  readonly summary: string;
  /** A `livetools run` command line for the README. */
  readonly runExample: string;
  /** `src/index.ts`. */
  readonly indexTs: (v: TemplateValues) => string;
  /** `src/index.test.ts`. */
  readonly indexTestTs: string;
}
