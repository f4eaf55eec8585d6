#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need, builds the binary (CLI
# tests run it as a user would), runs `bun test`, and ends with one line: "N passed, N failed".
# Extra arguments go to `bun test` (e.g. a path filter).
set -uo pipefail
cd "$(dirname "$0")/.."

# JavaScript dependencies (Bun itself comes from the npm registry as the `bun` package).
if [ ! -x node_modules/.bin/bun ]; then
  npm ci --no-audit --no-fund || exit 1
fi
export PATH="$PWD/node_modules/.bin:$PATH"

# System packages the browser and terminal tests drive: Debian's chromium and tmux.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  if command -v apt-get >/dev/null 2>&1 && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; }; then
    echo "installing ${need[*]} (for the browser and terminal tests)..."
    $sudo apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 \
      || echo "warning: could not install ${need[*]}; the tests that need them will say so and skip"
  else
    echo "warning: ${need[*]} missing and apt-get is not usable here; the tests that need them will skip"
  fi
fi

# The compiled binary, for the tests that run dist/panko as a user does.
bun run build >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
bun test --timeout 30000 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -E '^ *[0-9]+ pass$' "$log" | tail -1 | grep -oE '[0-9]+' || true)
failed=$(grep -E '^ *[0-9]+ fail$' "$log" | tail -1 | grep -oE '[0-9]+' || true)
rm -f "$log"
passed=${passed:-0}
failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
exit "$status"
