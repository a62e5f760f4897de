/**
 * Reading a function's configuration from its environment: once, at init, failing fast
 * with "Environment variable X is required" or a message naming the invalid value.
 */

/** The environment, as `process.env` gives it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Bounds and default of an integer variable. */
export interface IntegerSpec {
  readonly value: number;
  readonly min: number;
  readonly max: number;
}

/** Reads typed values from an environment; every failure is an error made by `fail`. */
export interface EnvReader {
  /** The trimmed value; undefined when unset or blank. */
  optional(name: string): string | undefined;
  /** The trimmed value. @throws when unset or blank. */
  required(name: string): string;
  /** A whole number within the spec's bounds; the spec's value when unset. */
  integer(name: string, spec: IntegerSpec): number;
  /** A comma-separated list: trimmed, blanks dropped, duplicates removed; empty when unset. */
  list(name: string): string[];
  /** One of `allowed`; `fallback` when unset. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  /** `true` or `false` (any case); `fallback` when unset. */
  boolean(name: string, fallback: boolean): boolean;
}

/** Creates an {@link EnvReader} over `env` whose failures are `fail(message)`. */
export function envReader(env: Env, fail: (message: string) => Error): EnvReader {
  const optional = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = optional(name) ?? fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw fail(
        `Environment variable ${name} must be one of ${allowed.join(", ")}, got "${value}"`,
      );
    }
    return value as T;
  };
  return {
    optional,
    required(name) {
      const value = optional(name);
      if (value === undefined) throw fail(`Environment variable ${name} is required`);
      return value;
    },
    integer(name, spec) {
      const raw = optional(name);
      if (raw === undefined) return spec.value;
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < spec.min || value > spec.max) {
        throw fail(
          `Environment variable ${name} must be an integer from ${spec.min} to ${spec.max}, got "${raw}"`,
        );
      }
      return value;
    },
    list(name) {
      const raw = optional(name);
      if (raw === undefined) return [];
      return [
        ...new Set(
          raw
            .split(",")
            .map((item) => item.trim())
            .filter((item) => item !== ""),
        ),
      ];
    },
    oneOf,
    boolean(name, fallback) {
      const value = optional(name)?.toLowerCase() ?? String(fallback);
      if (value !== "true" && value !== "false") {
        throw fail(`Environment variable ${name} must be one of true, false, got "${value}"`);
      }
      return value === "true";
    },
  };
}
