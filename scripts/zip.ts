import { readFileSync } from "node:fs";
import { ZipFile } from "yazl";

/**
 * A fixed timestamp for every zip entry: a file's mtime must not leak into the artifact,
 * or the same sources would give new bytes (and a Lambda diff in every plan).
 */
const FIXED_MTIME = new Date(Date.UTC(2020, 0, 1, 0, 0, 0));
const FILE_MODE = 0o100644;

/** One file to put into a zip. */
export interface ZipEntry {
  /** Path inside the archive. */
  readonly name: string;
  /** Absolute path of the file on disk. */
  readonly path: string;
}

/**
 * Zips files byte-reproducibly: entries sorted by name, fixed DOS timestamps and
 * permissions, no extra fields. The same file contents give the same bytes whatever the
 * files' mtimes or the order they are given in.
 */
export async function reproducibleZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of [...entries].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    zip.addBuffer(readFileSync(entry.path), entry.name, {
      mtime: FIXED_MTIME,
      mode: FILE_MODE,
      compress: true,
      forceDosTimestamp: true,
    });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
