# Shared helpers for the project's scripts. Source it from the repository root.

TOOLS_VENV="${TOOLS_VENV:-$PWD/.venv-tools}"
export SAM_CLI_TELEMETRY=0

step() {
    printf '\n\033[1m== %s\033[0m\n' "$*"
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Installs (or updates) the pinned Python tools into .venv-tools and puts it on PATH.
ensure_tools() {
    local stamp="$TOOLS_VENV/.requirements"
    if [ ! -x "$TOOLS_VENV/bin/python" ]; then
        python3 -m venv "$TOOLS_VENV" || die "cannot create $TOOLS_VENV (is python3-venv installed?)"
    fi
    if ! cmp -s scripts/requirements-tools.txt "$stamp"; then
        step "installing tools into .venv-tools (moto, cfn-lint, SAM CLI, cargo-lambda)"
        "$TOOLS_VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-tools.txt \
            || die "pip could not install scripts/requirements-tools.txt"
        cp scripts/requirements-tools.txt "$stamp"
    fi
    export PATH="$TOOLS_VENV/bin:$PATH"
}

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until a URL answers (any HTTP status), or fails after $2 seconds.
wait_for_url() {
    local url="$1" timeout="${2:-30}" waited=0
    until curl -s -o /dev/null "$url"; do
        sleep 0.2
        waited=$((waited + 1))
        [ "$waited" -lt $((timeout * 5)) ] || return 1
    done
}

# Starts moto on a free loopback port; sets MOTO_PID and exports MOTO_ENDPOINT.
start_moto() {
    local port
    port="$(free_port)"
    "$TOOLS_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" > "${TMPDIR:-/tmp}/moto-$port.log" 2>&1 &
    MOTO_PID=$!
    export MOTO_ENDPOINT="http://127.0.0.1:$port"
    wait_for_url "$MOTO_ENDPOINT/moto-api/" 30 || die "moto did not start (log: ${TMPDIR:-/tmp}/moto-$port.log)"
}

# Stops a background process by PID, if it still runs.
stop_pid() {
    local pid="${1:-}"
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}
