#!/bin/bash
# Start a simulated agent host: its own network namespace and its own dockerd, with the reference
# desktop image loaded (docs/architecture.md#docker-host-input).
#
# Usage (root): start-host-netns.sh NAME INDEX     e.g. start-host-netns.sh h2 31
#   netns   oriel-NAME, reachable from this host at 10.2INDEX.0.2 (eth0 in the netns)
#   veth    ovh-NAME in the root netns, 10.2INDEX.0.1/24 (the netns's default gateway)
#   dockerd socket /run/oriel-hosts/NAME/docker.sock, pidfile beside it,
#           data-root and exec-root under /var/lib/oriel-hosts/NAME, containers under cgroup /oriel-NAME,
#           daemon label oriel.host=NAME
# Prints the socket path, the only line on stdout. Running it again reuses whatever is already up.
# The root netns's iptables are not touched: the daemon's rules live in the netns (verified by diff
# in notes §4), and nothing here adds NAT, so containers on this host have no egress.
# Undo with stop-host-netns.sh NAME.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "start-host-netns: $*" >&2; exit 1; }

NAME="${1:-}"
INDEX="${2:-}"
[ $# -eq 2 ] || die "usage: start-host-netns.sh NAME INDEX (e.g. h2 31 gives 10.231.0.0/24)"
[[ "$INDEX" =~ ^[0-9]{2}$ ]] && [ $((10#$INDEX)) -le 55 ] || die "INDEX must be two digits, 00-55, so that 10.2INDEX is an address (got '$INDEX')"
[ "$(id -u)" = 0 ] || die "must run as root (netns, veth, dockerd)"
command -v dockerd >/dev/null || die "dockerd is not installed (apt-get install docker.io)"

# shellcheck source=host-netns-common.sh
source "$HERE/host-netns-common.sh"
SUBNET="10.2$INDEX.0"
HOST_IP="$SUBNET.1"
NS_IP="$SUBNET.2"
SOCK="$RUN/docker.sock"
LOG="$DATA/dockerd.log"
WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-30}"
lock_hosts

answers() { docker -H "unix://$SOCK" info >/dev/null 2>&1; }
in_netns() { nsenter --net="/run/netns/$NETNS" "$@"; }

# The subnet must not already serve something else on this machine.
taken="$(ip -o -4 addr show to "$SUBNET.0/24" | awk -v mine="$VETH" '$2 != mine { print $2 }')"
[ -z "$taken" ] || die "$SUBNET.0/24 is already used by interface(s): $taken"

[ -e "/run/netns/$NETNS" ] || ip netns add "$NETNS"

# A veth whose peer is not in this netns (e.g. the netns was deleted by hand) is recreated.
if ! in_netns ip link show eth0 >/dev/null 2>&1; then
  ip link del "$VETH" 2>/dev/null || true
  ip link add "$VETH" type veth peer name eth0 netns "$NETNS"
fi
ip addr replace "$HOST_IP/24" dev "$VETH"
ip link set "$VETH" up
in_netns ip addr replace "$NS_IP/24" dev eth0
in_netns ip link set eth0 up
in_netns ip link set lo up
in_netns ip route replace default via "$HOST_IP"
sysctl -qw net.ipv4.ip_forward=1

if ! answers; then
  mkdir -p "$DATA/etc-docker" "$DATA/data" "$DATA/exec" "$RUN"
  # A dockerd that is still starting owns the pidfile: wait for it rather than start another.
  if ! { [ -f "$PIDFILE" ] && [ "$(cat "/proc/$(cat "$PIDFILE")/comm" 2>/dev/null)" = dockerd ]; }; then
    rm -f "$PIDFILE" "$SOCK"
    # unshare -m + a bind over /etc/docker: the daemon gets its own key.json (so its own daemon ID)
    # and its mounts never reach the root mount namespace. nsenter --net, not `ip netns exec`,
    # which remounts /sys and hides the cgroup v1 mounts ("Devices cgroup isn't mounted").
    # setsid: the daemon outlives the shell (and a test runner's process group); 9>&-: it must not hold the lock.
    setsid unshare -m --propagation private sh -c '
      mount --bind "$1" /etc/docker && exec nsenter --net="$2" dockerd \
        --host "unix://$3" --pidfile "$4" --data-root "$5" --exec-root "$6" \
        --cgroup-parent "$7" --label "$8"' \
      sh "$DATA/etc-docker" "/run/netns/$NETNS" "$SOCK" "$PIDFILE" "$DATA/data" "$DATA/exec" "/$NETNS" "oriel.host=$NAME" \
      >>"$LOG" 2>&1 </dev/null 9>&- &
  fi
  for _ in $(seq $((WAIT_SECONDS * 5))); do
    if answers; then break; fi
    sleep 0.2
  done
  if ! answers; then
    echo "start-host-netns: dockerd did not answer on $SOCK within ${WAIT_SECONDS}s; last lines of $LOG:" >&2
    tail -n 20 "$LOG" >&2 || true
    exit 1
  fi
fi

# The image comes from the cache the first daemon filled (ensure-workspace-image.sh; 10-20 s the first time).
DOCKER_SOCK="$SOCK" bash "$HERE/ensure-workspace-image.sh" >&2
echo "$SOCK"
