import type { ProbeResult } from "./types.js";

function networkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError")
      return "no answer (timed out)";
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

/**
 * Sends a HEAD request (no body, no credentials) and says whether the server answered.
 * Any HTTP status counts as reachable: doctor checks the network path, not the API.
 */
export async function probeUrl(url: URL, timeoutMs: number): Promise<ProbeResult> {
  try {
    const response = await fetch(url, {
      method: "HEAD",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { reachable: true, status: response.status };
  } catch (error) {
    return { reachable: false, error: networkError(error) };
  }
}
