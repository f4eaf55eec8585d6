#!/usr/bin/env bash
# Runs panko from a clone: installs the JavaScript dependencies on first use (Bun comes from the
# npm registry as the `bun` package), then runs the source with Bun. `npm start -- ARGS`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -x "$root/node_modules/.bin/bun" ]; then
  (cd "$root" && npm ci --no-audit --no-fund >&2)
fi
exec "$root/node_modules/.bin/bun" "$root/src/main.ts" "$@"
