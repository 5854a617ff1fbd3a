#!/bin/bash
# Build oriel/guacd-test:bullseye: Debian bullseye's guacd 1.3.0 with the SSH, VNC and RDP plugins,
# for the tests' real guacd (no registry; scripts/lib/rootfs.sh). guacd 1.3.0 is below the production
# floor (1.6.0, CVE-2024-35164): it is for tests against local targets only; deploy/ uses the
# official image. ensure-guacd-image.sh keys its cache on this file's hash: keep the package list here.
#
# Env: TAG (oriel/guacd-test:bullseye), and rootfs.sh's MIRROR, SECMIRROR, WORK, DOCKER_SOCK.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/rootfs.sh"
TAG="${TAG:-oriel/guacd-test:bullseye}"
# libguac-client-ssh0 draws with cairo/pango but depends on no font package.
PACKAGES=(guacd libguac-client-ssh0 libguac-client-vnc0 libguac-client-rdp0 fonts-dejavu-core)

rootfs_begin build-guacd-image
rootfs_bootstrap bullseye
rootfs_install "${PACKAGES[@]}"
# FreeRDP needs a writable $HOME (certificates, known hosts): the package's /var/run/guacd does not
# exist in a container, and without it RDP fails with a misleading "Security negotiation failed".
chroot "$R" usermod -d /var/lib/guacd guacd
install -d -m 700 -o "$(chroot "$R" id -u guacd)" -g "$(chroot "$R" id -g guacd)" "$R/var/lib/guacd"
# The official image's path to guacd, so deploy/conn-proxy/compose.yaml runs this image unchanged.
install -d "$R/opt/guacamole/sbin"
ln -s /usr/sbin/guacd "$R/opt/guacamole/sbin/guacd"
rootfs_finish
rootfs_import "$TAG" "debootstrap bullseye minbase + ${PACKAGES[*]}" \
  --change 'ENTRYPOINT ["/usr/sbin/guacd", "-b", "0.0.0.0", "-l", "4822", "-f"]' \
  --change 'USER guacd' \
  --change 'ENV HOME=/var/lib/guacd LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'EXPOSE 4822'
