#!/usr/bin/env bash
# build-test-image.sh: builds the local busybox image the examples and integration tests use.
#
# Usage: bash scripts/build-test-image.sh [IMAGE]   (default IMAGE: localhost/busybox:stable)
#
# Why build instead of pull: the project's machines reach no registry, so the image is made
# from the host's busybox-static binary. One binary plus one symlink per applet gives sh,
# httpd, wget, nc and sleep: enough for multi-container pods that really serve and talk.
set -euo pipefail

image="${1:-localhost/busybox:stable}"
busybox_bin="${BUSYBOX_BIN:-/bin/busybox}"

log() { printf 'build-test-image: %s\n' "$*"; }
die() { printf 'build-test-image: %s\n' "$*" >&2; exit 1; }

command -v podman >/dev/null 2>&1 ||
  die "podman is not installed, so the image cannot be imported; run bash scripts/setup.sh (it installs podman)."
[ -x "$busybox_bin" ] ||
  die "$busybox_bin is missing; install it with: apt-get install -y busybox-static"
# A dynamically linked busybox would start in the image and fail at once (the image has no libc).
if command -v ldd >/dev/null 2>&1 && ldd "$busybox_bin" 2>/dev/null | grep -q '=>'; then
  die "$busybox_bin is dynamically linked and would not run inside the image; install busybox-static (apt-get install -y busybox-static)."
fi

rootfs="$(mktemp -d /tmp/kubeplay-busybox-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT

mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/www" "$rootfs/data"
chmod 1777 "$rootfs/tmp"
cp "$busybox_bin" "$rootfs/bin/busybox"
chmod 0755 "$rootfs/bin/busybox"

applets=0
while IFS= read -r applet; do
  # The list includes "busybox" itself: linking it would replace the binary with a link to itself.
  case "$applet" in '' | busybox) continue ;; esac
  ln -sf busybox "$rootfs/bin/$applet"
  applets=$((applets + 1))
done < <("$rootfs/bin/busybox" --list)

log "importing $image ($applets applets)"
# ENV=PATH is required: nothing else supplies a default PATH for an imported image, so a Pod's
# `command: [sh, ...]` would fail with "executable file not found in \$PATH".
tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -c . |
  podman import --quiet --change 'ENV=PATH=/bin' --change 'CMD=["sh"]' - "$image" >/dev/null

podman run --rm "$image" true ||
  die "$image was built but a container from it does not start; see podman's message above (on this host see /etc/containers/containers.conf: runtime runc, default_ulimits)."
log "built $image"
