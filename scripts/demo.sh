#!/usr/bin/env bash
# The main job on bundled sample data: installs what is missing, builds saring, and runs
# `saring demo` (the filter over the bundled Jakarta sample reports, scored against their ground
# truth). Extra arguments are passed to `saring demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/saring-ccache}
# Relative paths in the cache key, so a fresh clone elsewhere (as CI makes) still hits the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=1
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >build.configure.log 2>&1 ||
  { cat build.configure.log; echo "demo.sh: cmake configure failed" >&2; exit 1; }
cmake --build build -j "${SARING_JOBS:-$(nproc)}" --target saring_cli
exec ./build/saring demo "$@"
