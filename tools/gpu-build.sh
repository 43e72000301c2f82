#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds core, CLI, bench and the core tests on the GPU machine (Ubuntu 24.04, Python torch + CUDA, no Qt,
# no network). The Debian packages it needs travel in .gpu-debs (see docs/gpu.md) and are unpacked into a
# prefix of our own, never into /.
#   usage: tools/gpu-build.sh [BUILD_DIR [TARGET...]]      then: source BUILD_DIR.env.sh
set -euo pipefail
build=${1:-build-gpu}
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")  # none: everything
pfx=/tmp/layercut-prefix
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/tools/gpu-prefix.sh" unpack "$here/.gpu-debs" "$pfx" >/dev/null
lib=$pfx/usr/lib/x86_64-linux-gnu
# moc and the tests find Qt's and ICU's libraries in the prefix.
export LD_LIBRARY_PATH=$lib:${LD_LIBRARY_PATH:-}
torch_prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
cat > "$here/$build.env.sh" <<ENV
export LD_LIBRARY_PATH=$lib:\${LD_LIBRARY_PATH:-}
export QT_QPA_PLATFORM=offscreen
ENV
# nvcc for the fused kernels: on PATH, in /usr/local/cuda, or from the nvidia-cuda-nvcc wheel.
if ! command -v nvcc >/dev/null; then
    for candidate in /usr/local/cuda/bin/nvcc /usr/local/cuda-*/bin/nvcc \
        "$(python3 -c 'import nvidia,os;print(os.path.dirname(nvidia.__path__[0]))' 2>/dev/null)"/nvidia/*/bin/nvcc; do
        [ -x "$candidate" ] && { export CUDACXX=$candidate; break; }
    done
fi
echo "nvcc: ${CUDACXX:-$(command -v nvcc || echo none)}" >&2
cmake -S "$here" -B "$here/$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DLAYERCUT_BUILD_UI=OFF \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$pfx/usr;$lib/cmake" \
    -DCMAKE_LIBRARY_PATH="$lib" -DCMAKE_INCLUDE_PATH="$pfx/usr/include" \
    -DTORCH_CUDA_ARCH_LIST=9.0 -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DPKG_CONFIG_USE_CMAKE_PREFIX_PATH=ON \
    -DQT_HOST_PATH="$pfx/usr" \
    -DCMAKE_BUILD_RPATH="$lib"
cmake --build "$here/$build" -j "$(nproc)" ${targets[@]:+--target "${targets[@]}"}
