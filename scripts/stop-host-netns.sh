#!/bin/bash
# Tear down a simulated agent host made by start-host-netns.sh: its dockerd (and with it the
# containers), the veth, the netns, the cgroup and all its data. Running it again is a no-op.
#
# Usage (root): stop-host-netns.sh NAME
set -euo pipefail

die() { echo "stop-host-netns: $*" >&2; exit 1; }

NAME="${1:-}"
[ $# -eq 1 ] || die "usage: stop-host-netns.sh NAME"
[ "$(id -u)" = 0 ] || die "must run as root"

# shellcheck source=host-netns-common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/host-netns-common.sh"
STOP_SECONDS="${DOCKERD_STOP_SECONDS:-30}"
lock_hosts

alive() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }

# dockerd stops its containers and its own containerd on SIGTERM; SIGKILL only if it hangs.
if [ -f "$PIDFILE" ]; then
  pid="$(cat "$PIDFILE")"
  if alive "$pid" dockerd; then
    kill -TERM "$pid"
    for _ in $(seq $((STOP_SECONDS * 10))); do
      alive "$pid" dockerd || break
      sleep 0.1
    done
    if alive "$pid" dockerd; then
      echo "stop-host-netns: dockerd $pid did not exit within ${STOP_SECONDS}s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
fi

# Whatever the daemon left in its cgroup (containers of a killed dockerd) goes too; a cgroup with
# tasks cannot be removed. Each task is this host's and listed by id.
for cg in /sys/fs/cgroup/*/"$NETNS"; do
  [ -d "$cg" ] || continue
  for _ in $(seq 50); do
    pids="$(find "$cg" -name tasks -exec cat {} + 2>/dev/null | sort -u)"
    [ -z "$pids" ] && break
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.1
  done
  find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
done

ip link del "$VETH" 2>/dev/null || true
[ -e "/run/netns/$NETNS" ] && ip netns del "$NETNS"
rm -rf "$DATA" "$RUN"
exit 0
