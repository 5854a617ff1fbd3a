#!/bin/bash
# Build oriel/oriel:<version> and oriel/oriel:latest, the image deploy/agent and deploy/conn-proxy run:
# FROM oriel/node-base:bookworm (ensure-node-base-image.sh: Debian and the pinned Node.js, no registry)
# plus the daemons' sources and their production dependencies (npm ci --omit=dev, from the lock file).
# Run it from a checkout with `npm ci` done; on another host, `docker save oriel/oriel:latest | ssh host
# docker load` carries the result.
#
# Env: DOCKER_SOCK (optional unix socket path of another dockerd to build into, e.g. a simulated host).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKER=(docker); [ -n "${DOCKER_SOCK:-}" ] && DOCKER=(docker -H "unix://$DOCKER_SOCK")
VERSION="$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")"

DOCKER_SOCK="${DOCKER_SOCK:-}" bash "$ROOT/scripts/ensure-node-base-image.sh"
CTX="$(mktemp -d /tmp/oriel-image.XXXXXX)"
trap 'rm -rf "$CTX"' EXIT
# The daemons import only these parts (scripts/check-boundaries.ts); the edge, tests and fixtures stay out.
(cd "$ROOT" && cp -r --parents package.json package-lock.json tsconfig.json agent conn-proxy daemon-kit schema deploy/image "$CTX")
# --ignore-scripts: no production dependency needs one (ssh2's native crypto is optional), and a native
# build here would target this machine's Node.js, not the image's.
(cd "$CTX" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error > /dev/null)
# The legacy builder (Debian's docker.io has no BuildKit): its deprecation banner is noise unless the build fails.
if ! out="$(DOCKER_BUILDKIT=0 "${DOCKER[@]}" build -q -f "$CTX/deploy/image/Dockerfile" \
  -t "oriel/oriel:$VERSION" -t oriel/oriel:latest "$CTX" 2>&1)"; then
  echo "$out" >&2
  exit 1
fi
echo "built oriel/oriel:$VERSION ($("${DOCKER[@]}" image inspect oriel/oriel:latest --format '{{.Size}}') bytes)"
