#!/usr/bin/env bash
# A private Docker engine for DeCloud, for machines without a running one (no systemd needed).
#   docker-engine.sh start    start dockerd unless an engine already answers; prints DOCKER_HOST
#   docker-engine.sh stop     stop the engine this script started
#   docker-engine.sh env      print DOCKER_HOST for the engine in use
# State (pid file, socket, data) lives in $DECLOUD_DOCKER_STATE or <repo>/.state/docker.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
state="${DECLOUD_DOCKER_STATE:-$repo/.state/docker}"
sock="$state/docker.sock"
pidfile="$state/docker.pid"

answers() { docker -H "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

engine_host() {
  if [ -S "$sock" ] && answers "unix://$sock"; then echo "unix://$sock"; return; fi
  if [ -n "${DOCKER_HOST:-}" ] && answers "$DOCKER_HOST"; then echo "$DOCKER_HOST"; return; fi
  if [ -S /var/run/docker.sock ] && answers unix:///var/run/docker.sock; then echo unix:///var/run/docker.sock; return; fi
  return 1
}

case "${1:-start}" in
  start)
    if host="$(engine_host)"; then echo "docker engine answers at $host"; exit 0; fi
    command -v dockerd >/dev/null || { echo "dockerd not found: run scripts/setup-system.sh (installs docker.io)" >&2; exit 1; }
    [ "$(id -u)" -eq 0 ] || { echo "starting dockerd needs root: sudo $0 start" >&2; exit 1; }
    mkdir -p "$state/data" "$state/exec"
    echo "==> starting dockerd (state in $state)"
    # No bridge/iptables: containers use host networking, so the engine leaves no
    # interfaces or NAT rules behind on the machine.
    nohup dockerd --data-root "$state/data" --exec-root "$state/exec" --pidfile "$pidfile" \
      -H "unix://$sock" --iptables=false --ip6tables=false --bridge=none \
      >"$state/dockerd.log" 2>&1 &
    for _ in $(seq 1 150); do
      if answers "unix://$sock"; then echo "docker engine answers at unix://$sock"; exit 0; fi
      sleep 0.2
    done
    echo "dockerd did not answer within 30 s; see $state/dockerd.log" >&2
    tail -20 "$state/dockerd.log" >&2 || true
    exit 1
    ;;
  stop)
    if [ -f "$pidfile" ]; then
      pid="$(cat "$pidfile")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$pidfile"
      echo "docker engine stopped"
    else
      echo "no docker engine started by DeCloud is running"
    fi
    ;;
  env)
    host="$(engine_host)" || { echo "no docker engine answers: run scripts/docker-engine.sh start" >&2; exit 1; }
    echo "DOCKER_HOST=$host"
    ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
