# Sourced by the image build scripts (build-workspace-image.sh, build-guacd-image.sh): a Debian
# minbase root file system made with debootstrap, packages installed without recommends, trimmed,
# and imported into Docker with `docker import` (no registry, no Dockerfile). ensure-image.sh keys
# its caches on this file too, so editing it rebuilds every image once.
#
# Env: MIRROR, SECMIRROR, WORK (scratch dir; a temp dir by default), DOCKER_SOCK (optional unix socket path).
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SECMIRROR="${SECMIRROR:-http://deb.debian.org/debian-security}"
DOCKER=(docker); [ -n "${DOCKER_SOCK:-}" ] && DOCKER=(docker -H "unix://$DOCKER_SOCK")

# rootfs_begin NAME: checks the tools, makes the scratch dir ($WORK, root file system in $R), sets the traps.
rootfs_begin() {
  ROOTFS_NAME="$1"
  [ "$(id -u)" = 0 ] || { echo "$ROOTFS_NAME: must run as root (debootstrap, chroot, mounts)" >&2; exit 1; }
  for tool in debootstrap docker chroot; do
    command -v "$tool" >/dev/null || { echo "$ROOTFS_NAME: $tool is not installed" >&2; exit 1; }
  done
  OWN_WORK=0
  if [ -z "${WORK:-}" ]; then WORK="$(mktemp -d "/tmp/$ROOTFS_NAME.XXXXXX")"; OWN_WORK=1; fi
  R="$WORK/rootfs"
  START=$(date +%s%N)
  trap rootfs_cleanup EXIT
  trap 'exit 130' INT TERM
}

ts() { printf '[%6ss] %s\n' "$(awk -v s="$START" -v n="$(date +%s%N)" 'BEGIN { printf "%.1f", (n - s) / 1e9 }')" "$*"; }

# Unmount in reverse order; a leftover /dev bind under $WORK would make the rm -rf below
# delete the host's device nodes, so never remove the tree while anything is still mounted.
rootfs_unmount() {
  local m
  for m in dev/pts dev proc; do
    if mountpoint -q "$R/$m" 2>/dev/null; then umount "$R/$m" 2>/dev/null || umount -l "$R/$m"; fi
  done
}
rootfs_cleanup() {
  local rc=$?
  rootfs_unmount
  if [ "$OWN_WORK" = 1 ] && ! grep -q " $WORK/" /proc/mounts; then rm -rf "$WORK"; fi
  [ "$rc" = 0 ] || echo "$ROOTFS_NAME: failed (rc=$rc); logs were in $WORK" >&2
  exit "$rc"
}

# rootfs_bootstrap SUITE: debootstrap minbase, apt sources with updates and security, no daemons
# starting, no recommends, no docs/man/locales, and /proc, /dev mounted for package scripts.
rootfs_bootstrap() {
  local suite="$1"
  ts "debootstrap minbase $suite -> $R"
  debootstrap --variant=minbase "$suite" "$R" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -n 20 "$WORK/debootstrap.log" >&2; exit 1; }
  printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
    "$MIRROR" "$suite" "$MIRROR" "$suite" "$SECMIRROR" "$suite" > "$R/etc/apt/sources.list"
  printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"; chmod +x "$R/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Languages "none";\n' \
    > "$R/etc/apt/apt.conf.d/90oriel"
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' 'path-exclude /usr/share/man/*' \
    'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' \
    'path-exclude /usr/share/lintian/*' > "$R/etc/dpkg/dpkg.cfg.d/90oriel-excludes"
  cp /etc/resolv.conf "$R/etc/resolv.conf"
  mount -t proc proc "$R/proc"; mount --bind /dev "$R/dev"; mount --bind /dev/pts "$R/dev/pts"
}

# rootfs_install PKG...: apt-get install in the chroot. The mirror 404s some security-pool debs
# (seen: bullseye's libvncclient1 deb11u2); those are then taken from the suite's main pool, once.
rootfs_install() {
  ts "apt-get install $*"
  local inst=(chroot "$R" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q)
  chroot "$R" apt-get update -q > "$WORK/apt.log" 2>&1 || { tail -n 20 "$WORK/apt.log" >&2; exit 1; }
  "${inst[@]}" "$@" >> "$WORK/apt.log" 2>&1 && return 0
  local missing suite
  missing=$(grep -oE 'Failed to fetch [^ ]+\.deb +404' "$WORK/apt.log" | sed -E 's#.*/([^/_]+)_[^/]*$#\1#; s# .*##' | sort -u)
  [ -n "$missing" ] || { tail -n 20 "$WORK/apt.log" >&2; exit 1; }
  suite=$(awk 'NR == 1 { print $3 }' "$R/etc/apt/sources.list")
  ts "security pool 404 for: $missing -> taking them from $suite main"
  "${inst[@]}" "$@" $(printf "%s/$suite " $missing) >> "$WORK/apt.log" 2>&1 || { tail -n 20 "$WORK/apt.log" >&2; exit 1; }
}

# rootfs_finish: apt caches, docs and logs out (debootstrap unpacked its own packages before the
# excludes existed), resolv.conf emptied, everything unmounted.
rootfs_finish() {
  chroot "$R" apt-get clean
  find "$R/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$R/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  rm -rf "$R"/usr/share/man/* "$R"/usr/share/info/* "$R"/var/lib/apt/lists/* "$R"/var/log/apt/* \
    "$R/var/log/dpkg.log" "$R"/var/cache/debconf/*-old
  : > "$R/etc/resolv.conf"
  rootfs_unmount
  ts "rootfs ready ($(du -sh "$R" | cut -f1))"
}

# rootfs_import TAG MESSAGE [--change ...]: `docker import` keeps none of the rootfs metadata, so
# every runtime setting is a --change.
rootfs_import() {
  local tag="$1" message="$2"
  shift 2
  tar --numeric-owner -C "$R" -c . | "${DOCKER[@]}" import "$@" -m "$message" - "$tag" > /dev/null
  ts "imported $tag ($("${DOCKER[@]}" image inspect "$tag" --format '{{.Size}}') bytes)"
}
