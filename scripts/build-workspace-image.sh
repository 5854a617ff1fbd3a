#!/bin/bash
# Build the reference workspace image oriel/desktop:1.0 from Debian packages only (no registry).
#
# debootstrap minbase bookworm + TigerVNC's Xvnc + twm + xterm, imported with `docker import`
# (scripts/lib/rootfs.sh). The agent relays raw RFB to <container IP>:5901 itself, so there is no
# websockify/noVNC. ensure-workspace-image.sh keys its cache on this file's hash (and the library's):
# keep everything that shapes the image (entrypoint included) inside this one file.
#
# Env: TAG (oriel/desktop:1.0), SLIM (1 = skip mesa/LLVM files, default), and rootfs.sh's: MIRROR,
#      SECMIRROR, WORK (scratch dir; a temp dir by default), DOCKER_SOCK (optional unix socket path).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/rootfs.sh"
TAG="${TAG:-oriel/desktop:1.0}"
SLIM="${SLIM:-1}"
PACKAGES=(tigervnc-standalone-server tigervnc-tools xterm twm xfonts-base xclip)

rootfs_begin build-workspace-image
rootfs_bootstrap bookworm
if [ "$SLIM" = 1 ]; then
  # Xvnc hard-depends on libgl1 -> mesa -> libLLVM (~160 MB on disk). Xvnc, twm and xterm run
  # without those files (no software GL), so the packages stay installed but their files are skipped.
  printf '%s\n' 'path-exclude /usr/lib/x86_64-linux-gnu/dri/*' \
    'path-exclude /usr/lib/x86_64-linux-gnu/libLLVM*' \
    'path-exclude /usr/lib/x86_64-linux-gnu/libz3.so*' >> "$R/etc/dpkg/dpkg.cfg.d/90oriel-excludes"
fi
rootfs_install "${PACKAGES[@]}"

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

rootfs_finish
rootfs_import "$TAG" "debootstrap bookworm minbase + ${PACKAGES[*]}" \
  --change 'ENTRYPOINT ["/usr/local/bin/desktop-entrypoint"]' \
  --change 'USER 1000' \
  --change 'WORKDIR /home/kasm-user' \
  --change 'ENV HOME=/home/kasm-user USER=kasm-user DISPLAY=:1 LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'EXPOSE 5901' \
  --change 'LABEL oriel.workspace=desktop'
