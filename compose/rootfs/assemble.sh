#!/bin/bash
# Assemble the runtime image's root filesystem: only what Nimbus and its Lambda runtimes need,
# taken from a Debian root holding the runtime packages (python3 nodejs libzip4 libcurl4
# ca-certificates curl busybox bash dash).
#
#   assemble.sh SRC DEST [NIMBUS]
#
# SRC is that Debian root: "/" in the Dockerfile's rootfs stage (after apt-get install), or a
# staging dir of `dpkg -x`'d packages (build-local.sh). DEST must not exist or be empty; it
# becomes the image's only layer (`FROM scratch` + `COPY --from=rootfs /rootfs /`). NIMBUS is the
# server binary (default SRC/usr/local/bin/nimbus). Both SRC kinds give the same DEST: paths are
# written usr-merged (/lib → /usr/lib, as bookworm's images are), shared-library closures are
# resolved by SRC's own loader against SRC's libraries only, and nothing produced by maintainer
# scripts (py3compile, update-ca-certificates) is taken: this script builds its own.
set -euo pipefail
export LC_ALL=C

src="${1:?usage: assemble.sh SRC DEST [NIMBUS]}"
dest="${2:?usage: assemble.sh SRC DEST [NIMBUS]}"
src="$(cd "$src" && pwd)"
src="${src%/}"   # "" when SRC is /
nimbus="${3:-$src/usr/local/bin/nimbus}"
here="$(cd "$(dirname "$0")" && pwd)"
awslocal="${AWSLOCAL:-$here/../awslocal}"
multiarch=x86_64-linux-gnu
pyver=3.11
uid=1000

die() { echo "assemble.sh: $*" >&2; exit 1; }
[[ -x "$nimbus" ]] || die "no nimbus binary at $nimbus"
[[ -e "$dest" && -n "$(ls -A "$dest")" ]] && die "$dest is not empty"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"

# The image is usr-merged: /bin, /sbin, /lib, /lib64 are links into /usr.
mkdir -p "$dest/usr/bin" "$dest/usr/sbin" "$dest/usr/lib" "$dest/usr/lib64"
for d in bin sbin lib lib64; do ln -s "usr/$d" "$dest/$d"; done
mkdir -p "$dest/tmp"

usr_path() {  # the usr-merged spelling of an absolute path
  case "$1" in
    /bin/*|/sbin/*|/lib/*|/lib64/*) echo "/usr$1" ;;
    *) echo "$1" ;;
  esac
}

src_path() {  # where an image path lives under SRC (dpkg -x keeps /lib and /usr/lib apart)
  local p="$1" u
  u="$(usr_path "$p")"
  if [[ -e "$src$p" || -L "$src$p" ]]; then echo "$src$p"; return; fi
  if [[ -e "$src$u" || -L "$src$u" ]]; then echo "$src$u"; return; fi
  case "$p" in
    /usr/bin/*|/usr/sbin/*|/usr/lib/*|/usr/lib64/*)
      if [[ -e "$src${p#/usr}" || -L "$src${p#/usr}" ]]; then echo "$src${p#/usr}"; return; fi ;;
  esac
  die "$p is not in the source root $src (missing package?)"
}

normalize() {  # collapse ./ and ../ in an absolute path without touching the filesystem
  local IFS=/ part out=()
  for part in $1; do
    case "$part" in
      ''|.) ;;
      ..) [[ ${#out[@]} -gt 0 ]] && unset 'out[${#out[@]}-1]' ;;
      *) out+=("$part") ;;
    esac
  done
  local joined="${out[*]}"
  echo "/$joined"
}

# Copy one image path from SRC into DEST; a symlink is kept as a link and its target copied too.
copy() {
  local p u s target
  p="$(normalize "$1")"
  u="$(usr_path "$p")"
  [[ -e "$dest$u" || -L "$dest$u" ]] && return 0
  s="$(src_path "$p")"
  mkdir -p "$dest$(dirname "$u")"
  if [[ -L "$s" ]]; then
    target="$(readlink "$s")"
    ln -s "$target" "$dest$u"
    if [[ "$target" == /* ]]; then copy "$target"; else copy "$(dirname "$p")/$target"; fi
  elif [[ -d "$s" ]]; then
    mkdir -p "$dest$u"
    cp -a "$s/." "$dest$u/"
  else
    cp -p "$s" "$dest$u"
  fi
}

# SRC's dynamic loader lists what an ELF file needs, searching SRC's library dirs first; a
# library that resolves outside SRC is one the package set lacks, which is an error.
loader="$(src_path /lib/$multiarch/ld-linux-x86-64.so.2)"
libpath="$src/lib/$multiarch:$src/usr/lib/$multiarch"
copy /lib64/ld-linux-x86-64.so.2
closure() {
  local file="$1" line lib
  local listing
  listing="$("$loader" --library-path "$libpath" --list "$file")" \
    || die "cannot list the libraries of $file"
  while read -r line; do
    case "$line" in
      *" => not found"*) die "$file needs ${line%% *}, which is not in the package set" ;;
      *" => "/*) lib="${line#* => }"; lib="${lib%% (*}" ;;
      *) continue ;;
    esac
    if [[ -n "$src" ]]; then
      [[ "$lib" == "$src"/* ]] || die "$file needs $lib from outside the source root"
      lib="${lib#"$src"}"
    fi
    copy "$lib"
  done <<< "$listing"
}

# --- nimbus, and the libraries it opens on first use (libzip for Lambda zips, libcurl for
# HTTP deliveries): ldd lists only libc and libm.
install -D -m 0755 "$nimbus" "$dest/usr/local/bin/nimbus"
closure "$dest/usr/local/bin/nimbus"
for lib in libzip.so.4 libcurl.so.4; do
  copy "/usr/lib/$multiarch/$lib"
  closure "$(src_path "/usr/lib/$multiarch/$lib")"
done

# --- shells and tools: dash is /bin/sh (popen, init scripts), bash for LocalStack-style init
# scripts (#!/bin/bash), busybox for the usual commands, curl for compose healthchecks.
for bin in /bin/dash /bin/sh /bin/bash /bin/busybox /usr/bin/curl; do
  copy "$bin"
  closure "$(src_path "$bin")"
done
# busybox applets become links unless the image has the real program.
while read -r applet; do
  [[ -n "$applet" ]] || continue
  [[ -e "$dest/usr/bin/$applet" || -L "$dest/usr/bin/$applet" ]] && continue
  [[ -e "$dest/usr/sbin/$applet" || -L "$dest/usr/sbin/$applet" ]] && continue
  ln -s busybox "$dest/usr/bin/$applet"
done < <("$loader" --library-path "$libpath" "$(src_path /bin/busybox)" --list)
install -m 0755 "$awslocal" "$dest/usr/local/bin/awslocal"

# --- python3: the interpreter, the standard library without what a Lambda handler never
# imports (tests, IDLE, Tk, curses, dbm's Berkeley DB, 2to3, pip bootstrap), extension modules
# with their libraries. Debian's postinst __pycache__ is dropped: the code is compiled below,
# once, by the image's interpreter.
copy /usr/bin/python3
copy /usr/bin/python$pyver
closure "$(src_path /usr/bin/python$pyver)"
copy /etc/python$pyver
pylib=/usr/lib/python$pyver
mkdir -p "$dest$pylib"
cp -a "$(src_path $pylib)/." "$dest$pylib/"
rm -rf "$dest$pylib"/{test,idlelib,tkinter,turtledemo,ensurepip,lib2to3,pydoc_data,curses} \
       "$dest$pylib"/turtle.py "$dest$pylib"/sitecustomize.py
copy $pylib/sitecustomize.py
find "$dest$pylib" -depth -name __pycache__ -type d -exec rm -rf {} +
find "$dest$pylib" -mindepth 2 -type d \( -name test -o -name tests \) -prune -exec rm -rf {} +
dynload="$dest$pylib/lib-dynload"
rm -f "$dynload"/_test*.so "$dynload"/_ctypes_test.*so "$dynload"/_xxtestfuzz.*so \
      "$dynload"/xxlimited*.so "$dynload"/_curses*.so "$dynload"/readline.*so \
      "$dynload"/_dbm.*so "$dynload"/nis.*so "$dynload"/ossaudiodev.*so
for so in "$dynload"/*.so; do
  closure "$(src_path "${so#"$dest"}")"
done
mkdir -p "$dest/usr/lib/python3/dist-packages"
# The pure-Python stdlib goes into /usr/lib/python311.zip (first on python's default sys.path),
# each module as its source plus an unchecked-hash .pyc: 9.3 MB of sources become a 6.7 MB zip,
# and a cold start imports compiled code (uid 1000 could not write __pycache__, so every
# runtime start would compile json, socket, urllib... again: ~3x slower). Compiled by the
# image's own interpreter, PYTHONHASHSEED=0 so the bytes do not vary between builds. os.py stays
# as the landmark python's getpath looks for; sitecustomize stays Debian's link into /etc.
# logging stays a directory (sources + __pycache__): Nimbus's python bootstrap configures it by
# wrapping exec_module on the loader of logging's spec, and a zip's zipimporter is one loader
# shared by every module in the zip.
pyzip="/usr/lib/python${pyver/./}.zip"
cat > "$dest/tmp/.stdlib_zip.py" <<'PY'
import importlib._bootstrap_external as bootstrap
import importlib.util
import os
import sys
import zipfile

stdlib, archive, image_path, image_stdlib = sys.argv[1:5]
OUTSIDE = ("lib-dynload", "__pycache__", "logging")  # logging: see assemble.sh
names = []
for dirpath, dirnames, filenames in os.walk(stdlib):
    dirnames[:] = [d for d in dirnames if d not in OUTSIDE or dirpath != stdlib]
    names += [os.path.relpath(os.path.join(dirpath, f), stdlib) for f in filenames
              if f != "sitecustomize.py" or dirpath != stdlib]


def add(z, name, data):
    info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    z.writestr(info, data, compresslevel=9)


with zipfile.ZipFile(archive + ".tmp", "w") as z:
    for name in sorted(names):
        with open(os.path.join(stdlib, name), "rb") as f:
            data = f.read()
        add(z, name, data)
        if name.endswith(".py"):
            code = compile(data, image_path + "/" + name, "exec", dont_inherit=True)
            pyc = bootstrap._code_to_hash_pyc(code, importlib.util.source_hash(data), False)
            add(z, name + "c", bytes(pyc))
os.rename(archive + ".tmp", archive)

# logging/*.py stay, with compiled code in __pycache__ (uid 1000 cannot write it).
for name in sorted(os.listdir(os.path.join(stdlib, "logging"))):
    if name.endswith(".py"):
        with open(os.path.join(stdlib, "logging", name), "rb") as f:
            data = f.read()
        code = compile(data, f"{image_stdlib}/logging/{name}", "exec", dont_inherit=True)
        pyc = bootstrap._code_to_hash_pyc(code, importlib.util.source_hash(data), False)
        cache = os.path.join(stdlib, "logging", "__pycache__")
        os.makedirs(cache, exist_ok=True)
        with open(os.path.join(cache, name[:-3] + "." + sys.implementation.cache_tag + ".pyc"), "wb") as f:
            f.write(pyc)
PY
env -i PYTHONHOME="$dest/usr" PYTHONHASHSEED=0 \
  "$loader" --library-path "$dest/usr/lib/$multiarch" "$dest/usr/bin/python$pyver" -S -B \
  "$dest/tmp/.stdlib_zip.py" "$dest$pylib" "$dest$pyzip" "$pyzip" "$pylib"
rm "$dest/tmp/.stdlib_zip.py"
find "$dest$pylib" -mindepth 1 -maxdepth 1 ! -name lib-dynload ! -name os.py \
  ! -name sitecustomize.py ! -name logging -exec rm -rf {} +
chmod 0755 "$dest$pylib/logging/__pycache__"
chmod 0644 "$dest$pylib"/logging/__pycache__/*.pyc

# --- node: Debian's nodejs (libnode + ICU via the closure) loads acorn, cjs-module-lexer and
# undici's fetch from /usr/share/nodejs by absolute path: exactly those files are copied.
copy /usr/bin/node
copy /usr/bin/nodejs
closure "$(src_path /usr/bin/node)"
libnode="$(src_path /usr/lib/$multiarch/libnode.so.108)"
while read -r js; do
  copy "$js"
  pkg="${js#/usr/share/nodejs/}"; pkg="/usr/share/nodejs/${pkg%%/*}/package.json"
  [[ -e "$(src_path "$pkg" 2>/dev/null || true)" ]] && copy "$pkg"
done < <(grep -aoE '/usr/share/nodejs/[A-Za-z0-9@._/-]+\.js' "$libnode" | sort -u)

# --- TLS: one CA bundle built from ca-certificates' certificates (as update-ca-certificates
# would, in a fixed order), where libcurl (CAfile), OpenSSL (cert.pem) and python/node look.
mkdir -p "$dest/etc/ssl/certs" "$dest/usr/lib/ssl"
for crt in "$(src_path /usr/share/ca-certificates)"/*/*.crt; do
  cat "$crt"
  [[ "$(tail -c1 "$crt")" == "" ]] || echo
done > "$dest/etc/ssl/certs/ca-certificates.crt"
copy /etc/ssl/openssl.cnf
for link in cert.pem certs openssl.cnf; do copy "/usr/lib/ssl/$link"; done

# --- /etc: the user nimbus runs as, name service, hosts for localhost, os-release.
cat > "$dest/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
nimbus:x:$uid:$uid:Nimbus:/var/lib/nimbus:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat > "$dest/etc/group" <<EOF
root:x:0:
nimbus:x:$uid:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nservices: files\nprotocols: files\n' \
  > "$dest/etc/nsswitch.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$dest/etc/hosts"
: > "$dest/etc/resolv.conf"
copy /etc/os-release
copy /usr/lib/os-release
copy /etc/debian_version
copy /etc/mime.types   # python's mimetypes reads it

# --- directories: state, init hooks, a sticky /tmp.
mkdir -p "$dest/var/lib/nimbus" "$dest/root" "$dest/proc" "$dest/dev" "$dest/sys" \
         "$dest/tmp" "$dest/var/tmp" "$dest/run"
chmod 1777 "$dest/tmp" "$dest/var/tmp"
chmod 0700 "$dest/root"
for stage in boot start ready shutdown; do
  mkdir -p "$dest/etc/localstack/init/$stage.d" "$dest/etc/nimbus/init/$stage.d"
done
chown "$uid:$uid" "$dest/var/lib/nimbus"
