# Shared by the fake tunnel executables (sourced, not run). Behaviour is chosen by environment:
#   FAKE_TUNNEL_MODE      ok (default) | fail | slow | split | die | ignore-term   (+ per-fake extras)
#   FAKE_TUNNEL_DELAY     seconds to wait before the URL in slow mode (default 5)
#   FAKE_TUNNEL_DIE_AFTER exit N seconds after printing the URL (any mode that prints it)
#   FAKE_TUNNEL_PIDFILE   append this process's pid to that file (tests look for leftovers)
#   FAKE_TUNNEL_ARGSFILE  write argv (one per line) and NGROK_AUTHTOKEN=... to that file
#   FAKE_TUNNEL_URL       override the URL / host the fake reports

MODE="${FAKE_TUNNEL_MODE:-ok}"

fake_begin() {
  if [[ -n "${FAKE_TUNNEL_PIDFILE:-}" ]]; then echo "$$" >>"$FAKE_TUNNEL_PIDFILE"; fi
  if [[ -n "${FAKE_TUNNEL_ARGSFILE:-}" ]]; then
    { printf '%s\n' "$@"; echo "NGROK_AUTHTOKEN=${NGROK_AUTHTOKEN:-}"; } >"$FAKE_TUNNEL_ARGSFILE"
  fi
  if [[ "$MODE" == ignore-term ]]; then trap '' TERM; fi
}

# emit 1|2 TEXT: one line to stdout (1) or stderr (2). In split mode the line goes out in three
# writes with pauses between, and ends with \r\n, so readers must join pieces across chunks.
emit() {
  local fd="$1" text="$2"
  if [[ "$MODE" == split ]]; then
    local n=${#text} a=$((${#text} / 3)) b=$((2 * ${#text} / 3))
    printf '%s' "${text:0:a}" >&"$fd"; sleep 0.05
    printf '%s' "${text:a:b-a}" >&"$fd"; sleep 0.05
    printf '%s\r\n' "${text:b:n-b}" >&"$fd"
  else
    printf '%s\n' "$text" >&"$fd"
  fi
}

maybe_slow() {
  if [[ "$MODE" == slow ]]; then sleep "${FAKE_TUNNEL_DELAY:-5}"; fi
}

# Keep running like a tunnel does; exit after FAKE_TUNNEL_DIE_AFTER seconds when set.
run_forever() {
  if [[ -n "${FAKE_TUNNEL_DIE_AFTER:-}" ]]; then
    sleep "$FAKE_TUNNEL_DIE_AFTER"
    exit 1
  fi
  while :; do sleep 0.2; done
}

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
