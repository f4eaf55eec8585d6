#!/usr/bin/env bun
/** Entry point of the panko executable. */
import { processIo } from "./cli/io.ts";
import { runCli } from "./cli/run.ts";

const controller = new AbortController();
let interrupted = 0;
// `panko` alone is the interactive flow: it handles Ctrl+C itself (src/ui/interrupts.ts).
const interactive = process.argv.length <= 2;
for (const sig of interactive ? (["SIGTERM"] as const) : (["SIGINT", "SIGTERM"] as const)) {
  process.on(sig, () => {
    interrupted++;
    // A second Ctrl+C while a command is still cleaning up exits at once.
    if (interrupted > 1) process.exit(130);
    controller.abort(sig);
  });
}

// No top-level await: the compiled binary is bytecode (CommonJS).
void runCli(process.argv.slice(2), processIo(), controller.signal).then((code) => {
  process.exitCode = code;
});
