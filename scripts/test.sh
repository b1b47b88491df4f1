#!/usr/bin/env bash
# Builds saring and runs every test: the C++ suites and pytest (build/), the same suites under
# ASan+UBSan (build-asan/), the concurrent suites under TSan (build-tsan/), and each libFuzzer
# target over its seed corpus plus a short run (build-fuzz/). Installs missing Debian packages first.
#   SARING_TEST_STAGES="main asan tsan fuzz"  choose stages (default: all)
#   SARING_FUZZ_SECONDS=15                    time per fuzz target beyond its corpus
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
stages=${SARING_TEST_STAGES:-main asan tsan fuzz}
jobs=${SARING_JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/saring-ccache}
# Relative paths in the cache key, so a fresh clone elsewhere (as CI makes) still hits the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

./scripts/install-deps.sh

configure() {  # dir, extra cmake args...
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; echo "test.sh: cmake configure of $dir failed" >&2; exit 1; }
}
stage() { echo; echo "=== saring tests: $* ($(date -u +%H:%M:%S)) ==="; }
# Sanitizer and fuzz builds: -O2 without debug info keeps the build (and CI) short; ASan still
# names the functions in its reports. NDEBUG is off, so assertions run too.
san_flags=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2")

for s in $stages; do
  case $s in
    main)
      stage "build and run all C++ and Python tests (build/)"
      configure build -DSARING_BUILD_TESTS=ON -DSARING_BUILD_PYTHON=ON
      cmake --build build -j "$jobs"
      (cd build && ctest --output-on-failure -j "$jobs")
      ;;
    asan)
      stage "C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)"
      configure build-asan -DSARING_SANITIZE=address,undefined -DSARING_BUILD_PYTHON=OFF "${san_flags[@]}"
      cmake --build build-asan -j "$jobs"
      (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --output-on-failure -j "$jobs" -LE python)
      ;;
    tsan)
      stage "concurrent tests under ThreadSanitizer (build-tsan/)"
      configure build-tsan -DSARING_SANITIZE=thread -DSARING_BUILD_PYTHON=OFF "${san_flags[@]}"
      targets=$(cmake --build build-tsan --target help | sed -n 's/^\(saring_[a-z0-9_]*_concurrent_tests\):.*/\1/p')
      if [[ -n $targets ]]; then
        cmake --build build-tsan -j "$jobs" --target $targets
        (cd build-tsan && TSAN_OPTIONS="halt_on_error=1 suppressions=$root/tests/tsan.supp" ctest --output-on-failure --no-tests=error -L concurrent)
      else
        echo "no concurrent test suites yet"
      fi
      ;;
    fuzz)
      stage "libFuzzer targets over their seed corpora (build-fuzz/)"
      configure build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DSARING_BUILD_FUZZERS=ON -DSARING_BUILD_TESTS=OFF \
        -DSARING_BUILD_PYTHON=OFF -DSARING_BUILD_CLI=OFF "${san_flags[@]}"
      cmake --build build-fuzz -j "$jobs"
      n=0
      for f in build-fuzz/tests/fuzz/fuzz_*; do
        [[ -x $f ]] || continue
        name=$(basename "$f")
        corpus=tests/fuzz/corpus/${name#fuzz_}
        work=$(mktemp -d)
        cp -r "$corpus/." "$work/" 2>/dev/null || true
        echo "-- $name (${SARING_FUZZ_SECONDS:-15}s)"
        "$f" -max_total_time="${SARING_FUZZ_SECONDS:-15}" -rss_limit_mb=2048 -timeout=10 \
             -print_final_stats=0 -artifact_prefix="$root/build-fuzz/" "$work" >"build-fuzz/$name.log" 2>&1 ||
          { tail -n 40 "build-fuzz/$name.log"; echo "test.sh: fuzz target $name failed" >&2; exit 1; }
        rm -rf "$work"
        n=$((n + 1))
      done
      echo "fuzz: $n targets ran clean"
      ;;
    *) echo "test.sh: unknown stage '$s'" >&2; exit 1 ;;
  esac
done
echo
echo "test.sh: all stages passed ($stages)"
