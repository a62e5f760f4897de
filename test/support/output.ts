import { vi } from "vitest";

/**
 * The lines written to stdout and stderr while `act` runs (Powertools Logger writes INFO
 * and DEBUG to stdout, WARN and ERROR to stderr; Powertools Metrics writes EMF to stdout),
 * none of them passed through.
 */
export async function printedLines<T>(
  act: () => T | Promise<T>,
): Promise<{ result: Awaited<T>; lines: string[] }> {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(record);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(record);
  try {
    const result = await act();
    return { result, lines: chunks.join("").split("\n").filter(Boolean) };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The JSON lines among `lines`, parsed. */
export function jsonLines(lines: readonly string[]): Record<string, unknown>[] {
  return lines
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
