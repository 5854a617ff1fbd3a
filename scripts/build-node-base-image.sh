#!/bin/bash
# Build oriel/node-base:bookworm, the base of the daemons' image (build-oriel-image.sh), from Debian
# packages and the repository's pinned Node.js (the `node` devDependency: node_modules/node/bin/node),
# with no registry (scripts/lib/rootfs.sh). iptables: the agent firewalls its session bridge from the
# host (agent/src/docker/isolation.ts); findutils: it empties Reset profiles with `find -delete`.
# ensure-node-base-image.sh keys its cache on this file's hash: NODE_VERSION below is part of the key,
# so moving the pin in package.json means editing it here, which rebuilds the base once.
#
# Env: TAG (oriel/node-base:bookworm), and rootfs.sh's MIRROR, SECMIRROR, WORK, DOCKER_SOCK.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/rootfs.sh"
TAG="${TAG:-oriel/node-base:bookworm}"
NODE_VERSION=v22.23.3
NODE_BIN="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/node_modules/node/bin/node"
PACKAGES=(ca-certificates iptables findutils tini)

[ -x "$NODE_BIN" ] || { echo "build-node-base-image: $NODE_BIN is missing: run npm ci first" >&2; exit 1; }
found="$("$NODE_BIN" --version)"
[ "$found" = "$NODE_VERSION" ] || {
  echo "build-node-base-image: node_modules has Node.js $found, this script pins $NODE_VERSION: update NODE_VERSION here" >&2
  exit 1
}

rootfs_begin build-node-base-image
rootfs_bootstrap bookworm
rootfs_install "${PACKAGES[@]}"
install -m 755 "$NODE_BIN" "$R/usr/local/bin/node"
chroot "$R" node --version > /dev/null
rootfs_finish
rootfs_import "$TAG" "debootstrap bookworm minbase + ${PACKAGES[*]} + Node.js $NODE_VERSION" \
  --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]'
