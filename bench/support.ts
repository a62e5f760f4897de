import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function timeNode(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${result.stderr}`);
  return ms;
}

/**
 * Cold module load of a bundle: the median wall time of a fresh `node` process that
 * imports it, next to a bare `node -e 0` measured in the same run, interleaved so that
 * machine noise hits both alike.
 */
export function coldLoad(
  bundlePath: string,
  runs = 15,
): { bareMs: number; loadMs: number; overheadMs: number } {
  const bare: number[] = [];
  const load: number[] = [];
  const script = `await import(${JSON.stringify(`file://${bundlePath}`)})`;
  for (let i = 0; i < runs; i++) {
    bare.push(timeNode(["-e", "0"]));
    load.push(timeNode(["--input-type=module", "-e", script]));
  }
  const bareMs = median(bare);
  const loadMs = median(load);
  return { bareMs, loadMs, overheadMs: loadMs - bareMs };
}

/** Size of a file in KB (1 KB = 1024 bytes), one decimal. */
export function sizeKB(path: string): number {
  return Math.round((statSync(path).size / 1024) * 10) / 10;
}

/** Prints one benchmark figure as `name: value unit (target …)` with a PASS/OVER marker. */
export function report(
  name: string,
  value: number,
  unit: string,
  target?: { max: number; label?: string },
): boolean {
  const rounded = Math.round(value * 10) / 10;
  if (!target) {
    console.log(`${name}: ${rounded} ${unit}`);
    return true;
  }
  const ok = value <= target.max;
  console.log(
    `${name}: ${rounded} ${unit} (target <= ${target.label ?? target.max}) ${ok ? "PASS" : "OVER"}`,
  );
  return ok;
}
