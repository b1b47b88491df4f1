#!/usr/bin/env bash
# Installs the Debian 12 packages saring needs to build, test and benchmark.
# Idempotent: packages already present are skipped; run as root (or with sudo available).
set -euo pipefail

build=(build-essential cmake ninja-build pkg-config ccache git ca-certificates
       libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev
       libopencv-videoio-dev libopencv-features2d-dev libopencv-calib3d-dev
       libjpeg62-turbo-dev libgeos-dev libeigen3-dev libboost-dev
       nlohmann-json3-dev libcli11-dev libexif-dev libutf8proc-dev
       pybind11-dev python3-dev python3-numpy)
test=(libgtest-dev libgmock-dev python3-pytest python3-sklearn python3-shapely
      clang libclang-rt-14-dev)
bench=(libbenchmark-dev libfaiss-dev libopencv-contrib-dev python3-matplotlib)

want=("${build[@]}" "${test[@]}")
[[ "${1:-}" == "--with-benchmarks" ]] && want+=("${bench[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) != 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || { echo "install-deps: apt-get update failed (no network to Debian's archive?)" >&2; exit 1; }
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  echo "install-deps: apt-get install failed for some of: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: done"
