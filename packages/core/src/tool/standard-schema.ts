/**
 * The Standard Schema interface (https://standardschema.dev), which zod 3.24+ and zod 4 implement.
 * livetools validates arguments and infers their types through it, so both zod majors work.
 *
 * @packageDocumentation
 */

/** A schema that follows the Standard Schema v1 interface. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly '~standard': StandardSchemaV1.Props<Input, Output>;
}

/** Types that belong to {@link StandardSchemaV1}. */
export declare namespace StandardSchemaV1 {
  /** The properties every Standard Schema carries. */
  export interface Props<Input = unknown, Output = Input> {
    /** The version of the interface. */
    readonly version: 1;
    /** The schema library. */
    readonly vendor: string;
    /** Validates a value. */
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    /** Static types only. */
    readonly types?: Types<Input, Output> | undefined;
  }

  /** The outcome of a validation. */
  export type Result<Output> = SuccessResult<Output> | FailureResult;

  /** A successful validation. */
  export interface SuccessResult<Output> {
    /** The parsed value. */
    readonly value: Output;
    /** Absent on success. */
    readonly issues?: undefined;
  }

  /** A failed validation. */
  export interface FailureResult {
    /** What is wrong. */
    readonly issues: ReadonlyArray<Issue>;
  }

  /** One validation problem. */
  export interface Issue {
    /** What is wrong. */
    readonly message: string;
    /** Where. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }

  /** A path segment with a key. */
  export interface PathSegment {
    /** The key. */
    readonly key: PropertyKey;
  }

  /** The static input and output types of a schema. */
  export interface Types<Input = unknown, Output = Input> {
    /** The input type. */
    readonly input: Input;
    /** The output type. */
    readonly output: Output;
  }

  /** The input type of a schema. */
  export type InferInput<Schema extends StandardSchemaV1> = NonNullable<
    Schema['~standard']['types']
  >['input'];

  /** The output type of a schema. */
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<
    Schema['~standard']['types']
  >['output'];
}
