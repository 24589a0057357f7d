#!/bin/bash
# Build the runtime image's root filesystem on a Debian 12 machine without Docker: the packages
# the Dockerfile's rootfs stage installs (packages.txt, with their dependencies, as resolved
# against Debian bookworm's own archive from an empty system) are fetched by apt into a private
# apt root, unpacked with `dpkg -x`, and handed to assemble.sh, as the image build does.
#
#   build-local.sh OUT NIMBUS        (run as root: assemble.sh sets the state dir's owner)
#
# Downloads are cached in .cache/image/apt/archives (file names carry the versions) and the
# unpacked tree in .cache/image/staging-<hash of the .deb set>, so reruns only refresh the
# package lists (NIMBUS_IMAGE_CACHE moves the cache). An unreachable mirror is an error.
set -euo pipefail
export LC_ALL=C
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:?usage: build-local.sh OUT NIMBUS}"
nimbus="${2:?usage: build-local.sh OUT NIMBUS}"
cache="${NIMBUS_IMAGE_CACHE:-$root/.cache/image}"
apt_dir="$cache/apt"

mkdir -p "$apt_dir"/{lists/partial,archives/partial,etc/apt.conf.d,etc/preferences.d,etc/sources.list.d}
# One build at a time per cache (apt's locks, the staging dir another run may replace).
exec 9>"$cache/.lock"
flock 9
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -f "$keyring" ]] || { echo "build-local.sh: $keyring missing" >&2; exit 1; }
# The suites debian:bookworm-slim's own sources.list names.
cat > "$apt_dir/etc/sources.list" <<SOURCES
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm main
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm-updates main
deb [signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main
SOURCES
: > "$apt_dir/status"   # an empty system: every dependency gets resolved and fetched
cat > "$apt_dir/apt.conf" <<CONF
Dir::Etc "$apt_dir/etc";
Dir::Etc::SourceList "$apt_dir/etc/sources.list";
Dir::Etc::SourceParts "$apt_dir/etc/sources.list.d";
Dir::Etc::Parts "$apt_dir/etc/apt.conf.d";
Dir::Etc::Preferences "$apt_dir/etc/preferences";
Dir::Etc::PreferencesParts "$apt_dir/etc/preferences.d";
Dir::State "$apt_dir";
Dir::State::Lists "$apt_dir/lists";
Dir::State::status "$apt_dir/status";
Dir::Cache "$apt_dir";
Dir::Cache::archives "$apt_dir/archives";
Dir::Log "$apt_dir";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Install-Recommends "false";
Acquire::Retries "2";
// No drop to _apt: the cache is root's, and gpgv then does not depend on /dev/null's mode.
APT::Sandbox::User "root";
CONF
export APT_CONFIG="$apt_dir/apt.conf"
apt-get -qq --error-on=any update
mapfile -t packages < <(grep -v '^\s*#' "$here/packages.txt" | grep .)
apt-get -qq -y install --download-only "${packages[@]}" >/dev/null
# The exact .deb set the install unpacks (name, version) as apt resolves it, from the cache.
all=()
while read -r name ver; do
  ver="${ver//:/%3a}"
  debs=("$apt_dir/archives/${name}_${ver}_"*.deb)
  [[ -f "${debs[0]}" ]] || { echo "build-local.sh: ${name} ${ver} was not downloaded" >&2; exit 1; }
  all+=("${debs[0]}")
done < <(apt-get -qq -y -s install "${packages[@]}" | awk '/^Inst /{print $2, substr($3, 2)}')
[[ ${#all[@]} -gt 0 ]] || { echo "build-local.sh: apt resolved no packages" >&2; exit 1; }
key="$(printf '%s\n' "${all[@]##*/}" | sort | sha256sum | cut -c1-16)"
staging="$cache/staging-$key"
if [[ ! -f "$staging/.complete" ]]; then
  rm -rf "$cache"/staging-*
  mkdir -p "$staging"
  for deb in "${all[@]}"; do dpkg -x "$deb" "$staging"; done
  printf '%s\n' "${all[@]##*/}" | sort > "$staging/.complete"
fi

# The Dockerfile's build stage strips nimbus before the rootfs stage takes it.
rm -rf "$out"
mkdir -p "$out"
stripped="$(mktemp)"
trap 'rm -f "$stripped"' EXIT
strip -o "$stripped" "$nimbus"
chmod 0755 "$stripped"
"$here/assemble.sh" "$staging" "$out" "$stripped"
echo "packages: $(wc -l < "$staging/.complete") .debs ($staging/.complete)"
