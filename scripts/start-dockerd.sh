#!/bin/bash
# Start the host's Docker engine if it is not already answering on its socket.
#
# There is no systemd in this sandbox, so the Debian docker.io package installs dockerd but
# nothing starts it. Tests and the agent call this first; running it again is a no-op.
set -euo pipefail

SOCK="${DOCKER_SOCKET:-/var/run/docker.sock}"
LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-30}"

answers() { docker -H "unix://$SOCK" info >/dev/null 2>&1; }

if answers; then exit 0; fi

if [ "$(id -u)" != 0 ]; then
  echo "start-dockerd: $SOCK does not answer and only root can start dockerd" >&2
  exit 1
fi
command -v dockerd >/dev/null || { echo "start-dockerd: dockerd is not installed (apt-get install docker.io)" >&2; exit 1; }

# Concurrent callers (parallel test files) serialise here; a second dockerd on the same data-root
# and netns would fail, or worse flush the first one's iptables chains (docs/architecture.md#docker-host-input).
exec 9>/tmp/oriel-start-dockerd.lock
flock 9
if answers; then exit 0; fi

# A dockerd that is still starting owns the pidfile: wait for it rather than start another.
PIDFILE=/var/run/docker.pid
if ! { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }; then
  rm -f "$PIDFILE"
  # setsid: the daemon must outlive the shell (and a test runner's process group) that started it.
  # 9>&-: the daemon must not inherit (and hold forever) the lock.
  setsid dockerd -H "unix://$SOCK" >>"$LOG" 2>&1 < /dev/null 9>&- &
fi

for _ in $(seq $((WAIT_SECONDS * 5))); do
  if answers; then exit 0; fi
  sleep 0.2
done
echo "start-dockerd: dockerd did not answer on $SOCK within ${WAIT_SECONDS}s; last log lines from $LOG:" >&2
tail -n 20 "$LOG" >&2 || true
exit 1
