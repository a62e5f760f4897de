/**
 * Tag patterns: which pushed tags a service follows.
 *
 * A pattern is one or more alternatives separated by spaces or commas; each is a glob
 * where `*` matches any run of characters and `?` one character. ECS tag values may not
 * contain `*` or `?` (allowed: letters, digits, spaces and `_ . : / = + - @`), so `+`
 * is accepted as a spelling of `*`: the tag value `v+ latest` means `v*` or `latest`.
 * `+` never occurs in an image tag, so the alias is unambiguous.
 */

const ALTERNATIVE_SEPARATOR = /[\s,]+/;
const PATTERN_ALTERNATIVE = /^[\w.*?+-]{1,128}$/;
const cache = new Map<string, RegExp>();

/**
 * Whether a pattern string is well formed (non-empty alternatives of tag characters and wildcards).
 */
export function isValidTagPattern(pattern: string): boolean {
  const alternatives = splitAlternatives(pattern);
  return alternatives.length > 0 && alternatives.every((a) => PATTERN_ALTERNATIVE.test(a));
}

/**
 * Compiles a tag pattern to an anchored regular expression.
 *
 * @example compileTagPattern("v* main-*").test("main-42") // true
 */
export function compileTagPattern(pattern: string): RegExp {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    const alternatives = splitAlternatives(pattern).map((alternative) =>
      alternative
        .split("")
        .map((char) => {
          if (char === "*" || char === "+") return ".*";
          if (char === "?") return ".";
          return char.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
        })
        .join(""),
    );
    // An empty pattern matches nothing.
    compiled = alternatives.length === 0 ? /(?!)/ : new RegExp(`^(?:${alternatives.join("|")})$`);
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** Whether the pushed tag matches the pattern. */
export function matchesTagPattern(pattern: string, tag: string): boolean {
  return compileTagPattern(pattern).test(tag);
}

function splitAlternatives(pattern: string): string[] {
  return pattern.split(ALTERNATIVE_SEPARATOR).filter((a) => a !== "");
}
