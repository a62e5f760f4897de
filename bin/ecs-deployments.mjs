#!/usr/bin/env node
// Launcher of the operator CLI: lets Node load the TypeScript sources through tsx.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
