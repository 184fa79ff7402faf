#!/usr/bin/env bash
# Builds the local image decloud/busybox:local from Debian's busybox-static and imports it,
# so tests and the demo never need a registry. Skips when the image is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
image="decloud/busybox:local"
eval "export $("$here/docker-engine.sh" env)"

if docker image inspect "$image" >/dev/null 2>&1; then echo "image $image present"; exit 0; fi
[ -x /bin/busybox ] || { echo "/bin/busybox not found: apt-get install busybox-static" >&2; exit 1; }

echo "==> building $image from busybox-static"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,tmp,root,home,proc,sys,dev,work}
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . |
  docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' -c 'WORKDIR /root' - "$image" >/dev/null
echo "image $image imported"
