#!/bin/sh
# Runs a command in the image's root filesystem as Docker would: its own mount namespace (the
# mounts vanish with the process), /proc, a /dev of the usual device nodes, uid/gid 1000, an
# empty environment plus the given variables. Network: the host's, used on 127.0.0.1 only.
#   chroot_run.sh ROOTFS [--bind HOSTDIR:IMAGEDIR]... -- VAR=value... COMMAND [ARG...]
# (run it under `unshare --mount --propagation private`)
set -eu
root="$1"; shift
mount -t proc proc "$root/proc"
mount -t tmpfs -o mode=0755,size=64k tmpfs "$root/dev"
# Docker's own device nodes, mode 0666 whatever the host's are.
for node in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
  name="${node%% *}"; numbers="${node#* }"
  mknod -m 0666 "$root/dev/$name" c "${numbers% *}" "${numbers#* }"
done
ln -s /proc/self/fd "$root/dev/fd"
mkdir -p "$root/dev/shm"
mount -t tmpfs -o mode=1777,size=64m tmpfs "$root/dev/shm"
while [ "$1" = "--bind" ]; do
  host="${2%%:*}"; inside="${2#*:}"
  mkdir -p "$root$inside"
  mount --bind -o ro "$host" "$root$inside"
  shift 2
done
[ "$1" = "--" ] && shift
exec chroot --userspec=1000:1000 "$root" /usr/bin/env -i "$@"
