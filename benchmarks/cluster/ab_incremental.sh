#!/bin/sh
# Side-by-side A/B of the incremental clusterer (see ab_incremental.cpp):
#   benchmarks/cluster/ab_incremental.sh BUILD_DIR OLD_REV [WINDOW [STEPS [RUNS]]]
# BUILD_DIR is a Release build of the current tree (its libsaring.a is "new"); OLD_REV's
# src/cluster and src/core sources are compiled with the namespace renamed to saring_old, so both
# live in one process. Needs g++ and the same headers as the build. Work files go to a temp dir.
# Both clusterers in one process means twice the memory: a change to memory layout or page size can
# look better here than alone, so confirm such changes with bm_cluster.
set -eu
build=$1; rev=$2; window=${3:-1000000}; steps=${4:-30000}; runs=${5:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/old/src/cluster" "$tmp/old/src/core" "$tmp/old/include"
git -C "$root" archive "$rev" src/cluster src/core include | tar -x -C "$tmp/old"
cat > "$tmp/wrap.cpp" <<'CPP'
#include <string>
#include "saring/cluster/incremental.hpp"
struct OldClusterer { saring::IncrementalClusterer c; };
OldClusterer* old_make(double eps_m, int min_pts) {
  saring::DbscanOptions o; o.eps_m = eps_m; o.min_pts = min_pts;
  return new OldClusterer{saring::IncrementalClusterer(o)};
}
std::size_t old_insert(OldClusterer* c, const std::string& id, double lat, double lon, long t) {
  return c->c.insert({id, lat, lon, t, {}}).size();
}
std::size_t old_expire(OldClusterer* c) { return c->c.expire_oldest().size(); }
std::size_t old_clusters(OldClusterer* c) { return c->c.cluster_count(); }
CPP
# The wrapper's saring:: names become saring_old:: as well; its OldClusterer functions stay global.
flags="-std=c++20 -O3 -DNDEBUG -Dsaring=saring_old -I$tmp/old/include -I$tmp/old/src"
for f in "$tmp"/old/src/cluster/*.cpp "$tmp"/old/src/core/error.cpp "$tmp"/old/src/core/huge_pages.cpp "$tmp/wrap.cpp"; do
  g++ $flags -w -c "$f" -o "$tmp/$(basename "$f" .cpp).o" 2>>"$tmp/build.log" || { cat "$tmp/build.log"; exit 1; }
done
mv "$tmp/wrap.o" "$tmp/wrap.obj"
ar rcs "$tmp/old.a" "$tmp"/*.o
g++ -std=c++20 -O2 -I"$root/include" "$root/benchmarks/cluster/ab_incremental.cpp" "$tmp/wrap.obj" "$tmp/old.a" \
  "$build/libsaring.a" -o "$tmp/ab_incremental"
i=0
while [ "$i" -lt "$runs" ]; do "$tmp/ab_incremental" "$window" "$steps"; i=$((i + 1)); done
