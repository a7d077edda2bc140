#!/usr/bin/env bash
#
# setup.sh - install what ctm needs to build, test and run on Debian 12.
#
#   scripts/setup.sh          install what is missing (apt packages, the
#                             fr_FR/es_ES UTF-8 locales, npm packages)
#   scripts/setup.sh --check  exit 0 when everything is present, else print
#                             what is missing and exit 1; installs nothing
#
# Idempotent: a second run finds nothing to do and only reads the system.
# System changes need root: the script uses sudo when run as another user.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

APT_PKGS=(
	build-essential pkg-config
	libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev
	liboath-dev libcsv-dev libxlsxwriter-dev libzip-dev libexpat1-dev libqrencode-dev
	gettext iso-codes libcmocka-dev
	chromium clang wrk locales zbar-tools
	curl ca-certificates fonts-dejavu-core unzip
)
PC_MODULES=(libmicrohttpd jansson sqlite3 libsodium liboath cmocka xlsxwriter libzip expat libqrencode)
COMMANDS=(msgfmt xgettext node npm unzip clang)
CHROMIUM=/usr/bin/chromium
LOCALES=(fr_FR.UTF-8 es_ES.UTF-8)
# playwright-core needs node >= 20 and the Makefile uses
# `node --test --test-concurrency`, which appeared in node 20.10.
NODE_MIN_MAJOR=20

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# Packages of APT_PKGS (plus nodejs/npm when node/npm are absent) that dpkg
# does not list as installed, one per line.
missing_apt() {
	local want=("${APT_PKGS[@]}")
	command -v node >/dev/null 2>&1 || want+=(nodejs npm)
	command -v node >/dev/null 2>&1 && ! command -v npm >/dev/null 2>&1 \
		&& want+=(npm)
	local installed
	installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' \
		"${want[@]}" 2>/dev/null | awk '$1 == "ii" { print $2 }') || true
	local p
	for p in "${want[@]}"; do
		grep -qxF "$p" <<<"$installed" || printf '%s\n' "$p"
	done
}

# Locales of LOCALES that `locale -a` does not list ("fr_FR.utf8").
missing_locales() {
	local have l norm
	have=$(locale -a 2>/dev/null | tr '[:upper:]' '[:lower:]' | tr -d -- '-')
	for l in "${LOCALES[@]}"; do
		norm=$(tr '[:upper:]' '[:lower:]' <<<"$l" | tr -d -- '-')
		grep -qxF "$norm" <<<"$have" || printf '%s\n' "$l"
	done
}

# True when node_modules must be (re)installed from package-lock.json.
npm_stale() {
	[[ ! -f node_modules/.package-lock.json ]] ||
		[[ node_modules/.package-lock.json -ot package-lock.json ]]
}

# Major version of node, or 0 when node is absent.
node_major() {
	local v
	v=$(node --version 2>/dev/null) || { echo 0; return; }
	v=${v#v}
	echo "${v%%.*}"
}

check() {
	local missing=() m x
	while read -r x; do [[ -n $x ]] && missing+=("apt package $x"); done \
		< <(missing_apt)
	for m in "${PC_MODULES[@]}"; do
		pkg-config --exists "$m" 2>/dev/null ||
			missing+=("pkg-config module $m")
	done
	for m in "${COMMANDS[@]}"; do
		command -v "$m" >/dev/null 2>&1 || missing+=("command $m")
	done
	[[ -x $CHROMIUM ]] || missing+=("$CHROMIUM")
	if ((${CHECK_NODE_VERSION:-1})) && command -v node >/dev/null 2>&1 &&
		(($(node_major) < NODE_MIN_MAJOR)); then
		missing+=("node >= $NODE_MIN_MAJOR (have $(node --version))")
	fi
	while read -r x; do [[ -n $x ]] && missing+=("locale $x"); done \
		< <(missing_locales)
	[[ -f package-lock.json ]] || missing+=("package-lock.json")
	if npm_stale; then
		missing+=("node_modules (run npm ci)")
	fi
	if ((${#missing[@]})); then
		printf 'missing: %s\n' "${missing[@]}"
		return 1
	fi
	return 0
}

# Runs its arguments as root: directly, or through sudo.
as_root() {
	if ((EUID == 0)); then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo -E "$@"
	else
		die "need root for: $* (run as root or install sudo)"
	fi
}

install_apt() {
	local pkgs
	mapfile -t pkgs < <(missing_apt)
	((${#pkgs[@]})) || return 0
	say "installing: ${pkgs[*]}"
	as_root apt-get update
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "${pkgs[@]}"
}

install_locales() {
	local locs l
	mapfile -t locs < <(missing_locales)
	((${#locs[@]})) || return 0
	say "generating locales: ${locs[*]}"
	for l in "${locs[@]}"; do
		# Uncomment "# fr_FR.UTF-8 UTF-8" or append the line.
		if grep -qE "^[#[:space:]]*${l//./\\.}[[:space:]]+UTF-8" \
			/etc/locale.gen 2>/dev/null; then
			as_root sed -i -E \
				"s/^[#[:space:]]*(${l//./\\.}[[:space:]]+UTF-8)/\\1/" \
				/etc/locale.gen
		else
			echo "$l UTF-8" | as_root tee -a /etc/locale.gen >/dev/null
		fi
	done
	as_root locale-gen
}

# npm ci as the owner of the checkout, so that `sudo scripts/setup.sh`
# does not leave a root-owned node_modules behind.
install_npm() {
	npm_stale || return 0
	command -v npm >/dev/null 2>&1 || die "npm is missing"
	say "installing npm packages (npm ci)"
	local owner home
	owner=$(stat -c %U "$ROOT")
	if ((EUID == 0)) && [[ $owner != root && $owner != UNKNOWN ]]; then
		home=$(getent passwd "$owner" | cut -d: -f6)
		runuser -u "$owner" -- env HOME="$home" \
			npm ci --no-audit --no-fund
	else
		npm ci --no-audit --no-fund
	fi
	# npm ci rewrites node_modules/.package-lock.json; make sure its time
	# is not older than the lock file even on coarse-grained filesystems.
	touch node_modules/.package-lock.json
}

case ${1:-} in
--check)
	check
	;;
"")
	install_apt
	install_locales
	install_npm
	if (($(node_major) < NODE_MIN_MAJOR)); then
		say "WARNING: node $(node --version 2>/dev/null) is older than" \
			"$NODE_MIN_MAJOR; the HTTP and browser tests need node >= 20" \
			"(Debian 12 ships 18: install node 20 or later, e.g. from" \
			"NodeSource)"
	fi
	# The node version is only warned about above: the release build
	# does not need node 20, only the tests do.
	CHECK_NODE_VERSION=0
	check >/dev/null || { check >&2 || true; die "still missing the above"; }
	;;
-h | --help)
	sed -n '3,11s/^# \{0,1\}//p' "$0"
	;;
*)
	die "usage: $0 [--check]"
	;;
esac
