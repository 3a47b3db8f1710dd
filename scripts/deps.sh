#!/usr/bin/env bash
# scripts/deps.sh [build|test|bench]: installs the Debian packages atalaya needs,
# only those missing, so it is quick when run again.
#   build: compiler, libraries, python3 (the demo reads its truth header) and zstd (it keeps its recording compressed); test: + the peers and tools the tests compare
#   against; bench: + what the benchmarks measure with.
set -eu
need=(gcc make pkg-config zlib1g-dev libzstd-dev libsqlite3-dev libjansson-dev libmicrohttpd-dev libpq-dev libmosquitto-dev libnats-dev librtlsdr-dev python3 zstd)
case "${1:-build}" in
  test)  need+=(zstd sqlite3 clang libclang-rt-14-dev gpsd-clients python3 python3-ais dump1090-mutability chromium nodejs dpkg-dev debhelper curl mosquitto mosquitto-clients nats-server postgresql-15 postgresql-15-postgis-3 $(command -v npm >/dev/null || echo npm)) ;;
  bench) need+=(clang sqlite3 gpsd-clients python3 python3-ais dump1090-mutability time bc wrk postgresql-15 postgresql-15-postgis-3 nats-server) ;;
esac
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
