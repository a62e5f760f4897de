import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { base64Sha256 } from "../../modules/terraform.js";
import { reproducibleZip } from "../../scripts/zip.js";

function files() {
  const dir = mkdtempSync(join(tmpdir(), "zip-test-"));
  const a = join(dir, "a.mjs");
  const b = join(dir, "b.txt");
  writeFileSync(a, "export const handler = async () => 1;\n");
  writeFileSync(b, "notes\n");
  return { a, b };
}

describe("reproducibleZip", () => {
  it("returns the same bytes after every file's mtime changes", async () => {
    // Prepare
    const { a, b } = files();
    const first = await reproducibleZip([
      { name: "index.mjs", path: a },
      { name: "NOTES", path: b },
    ]);

    // Act
    utimesSync(a, new Date(2031, 1, 2), new Date(2031, 1, 2));
    utimesSync(b, new Date(1999, 5, 6), new Date(1999, 5, 6));
    const second = await reproducibleZip([
      { name: "index.mjs", path: a },
      { name: "NOTES", path: b },
    ]);

    // Assess
    expect(second.equals(first)).toBe(true);
  });

  it("returns the same bytes whatever order the entries are given in", async () => {
    // Prepare
    const { a, b } = files();

    // Act
    const one = await reproducibleZip([
      { name: "index.mjs", path: a },
      { name: "NOTES", path: b },
    ]);
    const other = await reproducibleZip([
      { name: "NOTES", path: b },
      { name: "index.mjs", path: a },
    ]);

    // Assess
    expect(other.equals(one)).toBe(true);
  });

  it("returns other bytes when a file's content changes", async () => {
    // Prepare
    const { a } = files();
    const before = await reproducibleZip([{ name: "index.mjs", path: a }]);

    // Act
    writeFileSync(a, "export const handler = async () => 2;\n");
    const after = await reproducibleZip([{ name: "index.mjs", path: a }]);

    // Assess
    expect(base64Sha256(after)).not.toBe(base64Sha256(before));
  });
});
