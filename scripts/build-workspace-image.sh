#!/bin/bash
# Build the reference workspace image oriel/desktop:1.0 from Debian packages only (no registry).
#
# debootstrap minbase bookworm + TigerVNC's Xvnc + twm + xterm, imported with `docker import`.
# The agent relays raw RFB to <container IP>:5901 itself, so there is no websockify/noVNC.
# ensure-workspace-image.sh keys its cache on this file's hash: keep everything that shapes
# the image (entrypoint included) inside this one file.
#
# Env: TAG (oriel/desktop:1.0), MIRROR, SECMIRROR, SLIM (1 = skip mesa/LLVM files, default),
#      WORK (scratch dir; a temp dir by default), DOCKER_SOCK (optional unix socket path).
set -euo pipefail
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SECMIRROR="${SECMIRROR:-http://deb.debian.org/debian-security}"
TAG="${TAG:-oriel/desktop:1.0}"
SLIM="${SLIM:-1}"
PACKAGES=(tigervnc-standalone-server tigervnc-tools xterm twm xfonts-base xclip)
DOCKER=(docker); [ -n "${DOCKER_SOCK:-}" ] && DOCKER=(docker -H "unix://$DOCKER_SOCK")

[ "$(id -u)" = 0 ] || { echo "build-workspace-image: must run as root (debootstrap, chroot, mounts)" >&2; exit 1; }
for tool in debootstrap docker chroot; do
  command -v "$tool" >/dev/null || { echo "build-workspace-image: $tool is not installed" >&2; exit 1; }
done

OWN_WORK=0
if [ -z "${WORK:-}" ]; then WORK="$(mktemp -d /tmp/oriel-image-build.XXXXXX)"; OWN_WORK=1; fi
R="$WORK/rootfs"
START=$(date +%s%N)
ts() { printf '[%6ss] %s\n' "$(awk -v s="$START" -v n="$(date +%s%N)" 'BEGIN { printf "%.1f", (n - s) / 1e9 }')" "$*"; }

# Unmount in reverse order; a leftover /dev bind under $WORK would make the rm -rf below
# delete the host's device nodes, so never remove the tree while anything is still mounted.
unmount_all() {
  local m
  for m in dev/pts dev proc; do
    if mountpoint -q "$R/$m" 2>/dev/null; then umount "$R/$m" 2>/dev/null || umount -l "$R/$m"; fi
  done
}
cleanup() {
  local rc=$?
  unmount_all
  if [ "$OWN_WORK" = 1 ] && ! grep -q " $WORK/" /proc/mounts; then rm -rf "$WORK"; fi
  [ "$rc" = 0 ] || echo "build-workspace-image: failed (rc=$rc); logs were in $WORK" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ts "debootstrap minbase bookworm -> $R"
debootstrap --variant=minbase bookworm "$R" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
  || { tail -n 20 "$WORK/debootstrap.log" >&2; exit 1; }

cat > "$R/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECMIRROR bookworm-security main
SOURCES
# No daemons may start inside the chroot during package installation.
printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"; chmod +x "$R/usr/sbin/policy-rc.d"
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Languages "none";\n' \
  > "$R/etc/apt/apt.conf.d/90oriel"
cat > "$R/etc/dpkg/dpkg.cfg.d/90oriel-excludes" <<'EXCLUDES'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EXCLUDES
if [ "$SLIM" = 1 ]; then
  # Xvnc hard-depends on libgl1 -> mesa -> libLLVM (~160 MB on disk). Xvnc, twm and xterm run
  # without those files (no software GL), so the packages stay installed but their files are skipped.
  printf '%s\n' 'path-exclude /usr/lib/x86_64-linux-gnu/dri/*' \
    'path-exclude /usr/lib/x86_64-linux-gnu/libLLVM*' \
    'path-exclude /usr/lib/x86_64-linux-gnu/libz3.so*' >> "$R/etc/dpkg/dpkg.cfg.d/90oriel-excludes"
fi
cp /etc/resolv.conf "$R/etc/resolv.conf"
mount -t proc proc "$R/proc"; mount --bind /dev "$R/dev"; mount --bind /dev/pts "$R/dev/pts"

ts "apt-get install ${PACKAGES[*]}"
{ chroot "$R" apt-get update -q && chroot "$R" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${PACKAGES[@]}"; } \
  > "$WORK/apt.log" 2>&1 || { tail -n 20 "$WORK/apt.log" >&2; exit 1; }

# twm's default fonts (adobe-helvetica, from xfonts-75dpi) are missing and twm exits without them;
# without RandomPlacement every new window waits for a mouse click to be placed.
sed -i -E 's/^(TitleFont|ResizeFont|MenuFont|IconFont|IconManagerFont) .*/\1 "fixed"/' "$R/etc/X11/twm/system.twmrc"
echo 'RandomPlacement' >> "$R/etc/X11/twm/system.twmrc"

chroot "$R" groupadd -g 1000 kasm-user
chroot "$R" useradd -u 1000 -g 1000 -m -d /home/kasm-user -s /bin/bash kasm-user
install -d -o 1000 -g 1000 -m 755 "$R/home/kasm-user/Desktop" "$R/home/kasm-user/Uploads" "$R/home/kasm-user/Downloads"
# Xvnc runs as uid 1000 and cannot create this directory itself (it would fall back to the
# abstract socket only and clients using the path would wait forever).
mkdir -p "$R/tmp/.X11-unix"; chmod 1777 "$R/tmp" "$R/tmp/.X11-unix"

cat > "$R/usr/local/bin/desktop-entrypoint" <<'ENTRYPOINT'
#!/bin/sh
# Oriel desktop session: Xvnc :1 serving RFB on 0.0.0.0:5901 (the agent connects to the
# container IP), twm and an xterm. The container lives as long as Xvnc.
set -eu
if [ -z "${VNC_PW:-}" ]; then
  echo "desktop-entrypoint: VNC_PW must be set (the VNC password for this session)" >&2
  exit 2
fi
GEOMETRY="${VNC_RESOLUTION:-1280x720}"
export HOME="${HOME:-/home/kasm-user}" USER="${USER:-kasm-user}" DISPLAY=:1
# A persistent profile bind-mounted over $HOME hides the image's folders: recreate them.
mkdir -p "$HOME/.vnc" "$HOME/Desktop" "$HOME/Uploads" "$HOME/Downloads"
printf '%s\n' "$VNC_PW" | tigervncpasswd -f > "$HOME/.vnc/passwd"
chmod 600 "$HOME/.vnc/passwd"
rm -f /tmp/.X1-lock /tmp/.X11-unix/X1

# No -localhost: RFB must answer on every container interface. -nolisten tcp only turns off
# X11-over-TCP (port 6001), not VNC.
Xvnc :1 -rfbport 5901 -SecurityTypes VncAuth -rfbauth "$HOME/.vnc/passwd" \
  -geometry "$GEOMETRY" -depth 24 -AlwaysShared -nolisten tcp > /tmp/Xvnc.log 2>&1 &
XVNC_PID=$!
trap 'kill "$XVNC_PID" 2>/dev/null' TERM INT

i=0; while [ ! -S /tmp/.X11-unix/X1 ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
# C locale: twm otherwise prints ~100 "font for charset ... is lacking" warnings.
LC_ALL=C twm > /tmp/twm.log 2>&1 &
( cd "$HOME" && xterm -geometry 100x30+10+10 > /tmp/xterm.log 2>&1 & )
wait "$XVNC_PID"
ENTRYPOINT
chmod 755 "$R/usr/local/bin/desktop-entrypoint"

chroot "$R" apt-get clean
# debootstrap unpacked its own packages before the dpkg excludes existed: trim those too.
find "$R/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$R/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
rm -rf "$R"/usr/share/man/* "$R"/usr/share/info/* "$R"/var/lib/apt/lists/* "$R"/var/log/apt/* \
  "$R/var/log/dpkg.log" "$R"/var/cache/debconf/*-old
: > "$R/etc/resolv.conf"
unmount_all
ts "rootfs ready ($(du -sh "$R" | cut -f1))"

# `docker import` keeps none of the rootfs metadata, so every runtime setting is a --change.
tar --numeric-owner -C "$R" -c . | "${DOCKER[@]}" import \
  --change 'ENTRYPOINT ["/usr/local/bin/desktop-entrypoint"]' \
  --change 'USER 1000' \
  --change 'WORKDIR /home/kasm-user' \
  --change 'ENV HOME=/home/kasm-user USER=kasm-user DISPLAY=:1 LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'EXPOSE 5901' \
  --change 'LABEL oriel.workspace=desktop' \
  -m "debootstrap bookworm minbase + ${PACKAGES[*]}" \
  - "$TAG" > /dev/null
ts "imported $TAG ($("${DOCKER[@]}" image inspect "$TAG" --format '{{.Size}}') bytes)"
