#!/bin/bash
# The Dockerfile's rootfs stage without Docker: a usr-merged root like debian:bookworm-slim's
# (compose/rootfs/packages.txt plus the base tools assemble.sh uses: coreutils, findutils, grep)
# unpacked from the apt cache build-local.sh keeps, nimbus at /usr/local/bin/nimbus, then
# `assemble.sh / /rootfs` run inside it with /proc and /dev as RUN has them.
#   docker_stage.sh STAGE_DIR NIMBUS      (as root, after build-local.sh; STAGE_DIR/rootfs results)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
stage="${1:?usage: docker_stage.sh STAGE_DIR NIMBUS}"
nimbus="${2:?usage: docker_stage.sh STAGE_DIR NIMBUS}"
apt_dir="${NIMBUS_IMAGE_CACHE:-$repo/.cache/image}/apt"
export APT_CONFIG="$apt_dir/apt.conf" LC_ALL=C
[[ -f "$APT_CONFIG" ]] || { echo "docker_stage.sh: run build-local.sh first" >&2; exit 1; }

exec 9>"$(dirname "$apt_dir")/.lock"   # build-local.sh's lock on the shared apt cache
flock 9
mapfile -t packages < <(grep -v '^\s*#' "$repo/compose/rootfs/packages.txt" | grep .)
packages+=(coreutils findutils grep)
apt-get -qq -y install --download-only "${packages[@]}" >/dev/null
rm -rf "$stage"
mkdir -p "$stage/usr" "$stage/proc" "$stage/dev"
for d in bin sbin lib lib64; do mkdir -p "$stage/usr/$d"; ln -s "usr/$d" "$stage/$d"; done
while read -r name ver; do
  debs=("$apt_dir/archives/${name}_${ver//:/%3a}_"*.deb)
  dpkg-deb --fsys-tarfile "${debs[0]}" | tar -x -C "$stage" --keep-directory-symlink
done < <(apt-get -qq -y -s install "${packages[@]}" | awk '/^Inst /{print $2, substr($3, 2)}')
mkdir -p "$stage/usr/local/bin" "$stage/tmp/rootfs"
strip -o "$stage/usr/local/bin/nimbus" "$nimbus"   # the build stage strips it
cp "$repo/compose/rootfs/assemble.sh" "$repo/compose/awslocal" "$stage/tmp/rootfs/"
unshare --mount --propagation private /bin/sh -ec '
  mount -t proc proc "$1/proc"
  mount --rbind /dev "$1/dev"
  exec chroot "$1" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    AWSLOCAL=/tmp/rootfs/awslocal /tmp/rootfs/assemble.sh / /rootfs' sh "$stage"
