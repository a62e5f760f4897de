#!/usr/bin/env node
// Launcher of the operator CLI. Installed, it runs the compiled CLI (dist/esm/cli); in a clone
// of the repository (cli/ sources present) it runs the sources through tsx, so they are never stale.
import { existsSync } from "node:fs";

// The AWS SDK's own switch for its Node-version notice: errors stay one line on Node 20,
// and every other warning still shows.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const source = new URL("../cli/main.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import("../dist/esm/cli/main.js");
}
