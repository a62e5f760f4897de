/**
 * `npm run release -- X.Y.Z`: cuts a release in one step.
 *
 * 1. Refuses a dirty working tree, a version that is not X.Y.Z, one not greater than the
 *    current, and a tag that exists already.
 * 2. Sets the version in package.json and package-lock.json.
 * 3. Moves CHANGELOG's `## [Unreleased]` entries under `## [X.Y.Z] - <today>` (keeping an
 *    empty Unreleased section), and rewrites every `?ref=v<current>` in the tracked docs,
 *    READMEs and examples to `?ref=vX.Y.Z`.
 * 4. Rebuilds the module (`npm run build`), commits all of it, and creates the annotated
 *    tag `vX.Y.Z`. Pushing the commit and the tag is left to you.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A release version: three numbers, no pre-release or build part. */
export const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** The files whose `?ref=v…` is rewritten: the tracked Markdown and Terraform files and the examples. */
const REF_FILES = ["*.md", "*.tf", "*.tftest.hcl", "examples/*"];

/** The release cannot be cut; the message says why. */
export class ReleaseError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ReleaseError";
  }
}

/** Whether version `a` is greater than `b` (both X.Y.Z). */
export function isGreater(a: string, b: string): boolean {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number)) as [number[], number[]];
  for (let i = 0; i < 3; i++) {
    if ((x[i] as number) !== (y[i] as number)) return (x[i] as number) > (y[i] as number);
  }
  return false;
}

/** CHANGELOG with the Unreleased entries under a heading of `version`. */
export function changelogFor(text: string, version: string, date: string): string {
  if (!text.includes("\n## [Unreleased]\n")) {
    throw new ReleaseError("CHANGELOG.md has no '## [Unreleased]' heading to release");
  }
  return text.replace("\n## [Unreleased]\n", `\n## [Unreleased]\n\n## [${version}] - ${date}\n`);
}

/** Every `?ref=v<from>` in `text` rewritten to `?ref=v<to>`. */
export function withRef(text: string, from: string, to: string): string {
  return text.replaceAll(`?ref=v${from}`, `?ref=v${to}`);
}

function git(root: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
}

/** Cuts release `version` in the git repository at `root`. */
export function release(root: string, version: string, log: (line: string) => void): void {
  if (!VERSION.test(version)) {
    throw new ReleaseError(`the version must be X.Y.Z (e.g. 0.2.0), got "${version}"`);
  }
  const manifestPath = join(root, "package.json");
  const current = (JSON.parse(readFileSync(manifestPath, "utf8")) as { version: string }).version;
  if (!isGreater(version, current)) {
    throw new ReleaseError(
      `the version must be greater than the current ${current}, got ${version}`,
    );
  }
  const dirty = git(root, "status", "--porcelain");
  if (dirty !== "") {
    throw new ReleaseError(
      `the working tree has uncommitted changes; commit or remove them first:\n${dirty}`,
    );
  }
  const tag = `v${version}`;
  if (git(root, "tag", "--list", tag) !== "")
    throw new ReleaseError(`the tag ${tag} exists already`);

  log(`Releasing ${current} -> ${version}`);
  execFileSync("npm", ["version", version, "--no-git-tag-version", "--ignore-scripts"], {
    cwd: root,
    stdio: "ignore",
  });
  const changelog = join(root, "CHANGELOG.md");
  const today = new Date().toISOString().slice(0, 10);
  writeFileSync(changelog, changelogFor(readFileSync(changelog, "utf8"), version, today));
  const rewritten: string[] = [];
  for (const file of git(root, "ls-files", "--", ...REF_FILES)
    .split("\n")
    .filter(Boolean)) {
    const path = join(root, file);
    const before = readFileSync(path, "utf8");
    const after = withRef(before, current, version);
    if (after !== before) {
      writeFileSync(path, after);
      rewritten.push(file);
    }
  }
  log(`  ?ref=${tag} in: ${rewritten.join(", ") || "(none)"}`);
  log("  rebuilding the module (npm run build)");
  execFileSync("npm", ["run", "-s", "build"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  git(
    root,
    "add",
    "--all",
    "--",
    "package.json",
    "package-lock.json",
    "CHANGELOG.md",
    "terraform",
    ...rewritten,
  );
  git(root, "commit", "-q", "-m", `Release ${tag}`);
  git(root, "tag", "-a", tag, "-m", `ecs-deployments ${version}`);
  log(`Committed and tagged ${tag}. Publish with: git push && git push origin ${tag}`);
}

if (process.argv[1] === import.meta.filename) {
  try {
    release(join(import.meta.dirname, ".."), process.argv[2] ?? "", (line) => console.log(line));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`release: ${message}`);
    process.exit(error instanceof ReleaseError ? 2 : 1);
  }
}
