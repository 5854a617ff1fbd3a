# Sourced by start-host-netns.sh and stop-host-netns.sh: the names and paths one simulated host uses,
# derived from NAME in one place, and the lock both scripts take. Expects NAME and die().

# Linux interface names are at most 15 bytes, and the host side is "ovh-NAME".
[[ "$NAME" =~ ^[a-z0-9][a-z0-9-]{0,10}$ ]] || die "NAME must be 1-11 characters of a-z, 0-9 and '-' (got '$NAME')"
NETNS="oriel-$NAME"
VETH="ovh-$NAME"
DATA="/var/lib/oriel-hosts/$NAME"
RUN="/run/oriel-hosts/$NAME"
PIDFILE="$RUN/docker.pid"

# One start or stop at a time. It is one file for every NAME, not one per NAME, so teardown leaves
# nothing per host behind and never deletes a held lock.
lock_hosts() {
  mkdir -p /run/oriel-hosts
  exec 9>/run/oriel-hosts/.lock
  flock 9
}
