#!/bin/bash
# ensure-image.sh TAG BUILD_SCRIPT CACHE_NAME: make sure the Docker engine has TAG: already there,
# else load it from the local cache, else build it with BUILD_SCRIPT and fill the cache.
#
# The cache key is the hash of the build script and of lib/rootfs.sh, which hold everything that
# shapes the image, so editing either invalidates the cache. `docker load` keeps the image ID, a
# re-import would not. Docker 20.10 cannot read zstd itself, hence the pipes (docs/architecture.md#docker-zstd).
#
# Env: ORIEL_IMAGE_CACHE (/var/cache/oriel), DOCKER_SOCK (optional unix socket path of another
#      dockerd to load the image into, e.g. a simulated second host).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TAG="$1" BUILD="$HERE/$2" NAME="$3"
CACHE_DIR="${ORIEL_IMAGE_CACHE:-/var/cache/oriel}"
KEY="$(cat "$BUILD" "$HERE/lib/rootfs.sh" | sha256sum | cut -c1-16)"
CACHE_FILE="$CACHE_DIR/$NAME-$KEY.tar.zst"
DOCKER=(docker); [ -n "${DOCKER_SOCK:-}" ] && DOCKER=(docker -H "unix://$DOCKER_SOCK")

if "${DOCKER[@]}" image inspect "$TAG" >/dev/null 2>&1; then exit 0; fi

# Parallel callers (test files start together) wait for one build instead of racing several.
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.ensure-$NAME.lock"
flock 9
if "${DOCKER[@]}" image inspect "$TAG" >/dev/null 2>&1; then exit 0; fi

if [ -f "$CACHE_FILE" ]; then
  echo "ensure-image: loading $TAG from $CACHE_FILE"
  if zstd -dc "$CACHE_FILE" | "${DOCKER[@]}" load >/dev/null \
    && "${DOCKER[@]}" image inspect "$TAG" >/dev/null 2>&1; then
    exit 0
  fi
  # A truncated or corrupt cache file must not block a rebuild forever.
  echo "ensure-image: cache file $CACHE_FILE is unusable; rebuilding" >&2
  rm -f "$CACHE_FILE"
fi

echo "ensure-image: building $TAG (cache key $KEY)"
DOCKER_SOCK="${DOCKER_SOCK:-}" TAG="$TAG" bash "$BUILD"

# Write to a temp name and rename, so a concurrent or interrupted run never sees half a file.
TMP="$(mktemp "$CACHE_DIR/.$NAME-$KEY.XXXXXX")"
trap 'rm -f "$TMP"' EXIT
"${DOCKER[@]}" save "$TAG" | zstd -q -3 -T0 -f -o "$TMP"
mv "$TMP" "$CACHE_FILE"
echo "ensure-image: cached $TAG in $CACHE_FILE ($(du -h "$CACHE_FILE" | cut -f1))"
