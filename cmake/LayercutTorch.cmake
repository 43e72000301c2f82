# SPDX-License-Identifier: GPL-3.0-or-later
# Finds libtorch: Debian's 1.13 (CPU) or a Python torch 2.x with CUDA (pass CMAKE_PREFIX_PATH from
# torch.utils.cmake_prefix_path). Both use the C++11 ABI, so std::string crosses the facade safely.
find_package(Torch REQUIRED)
if(Torch_VERSION VERSION_LESS 1.13)
    message(FATAL_ERROR "LayerCut needs libtorch >= 1.13, found ${Torch_VERSION}")
endif()
message(STATUS "libtorch ${Torch_VERSION}; CUDA: ${CUDA_FOUND}")
# TorchConfig puts its flags on the imported target; a torch-free target must not inherit them, so the
# core links torch PRIVATE.

# Fused CUDA kernels (core/src/model/fused_ops.cu): only with a CUDA libtorch and a CUDA compiler. The
# Debian CPU libtorch builds without them and uses ATen for the same steps.
option(LAYERCUT_CUDA_KERNELS "Build the fused CUDA kernels when libtorch has CUDA and nvcc is found" ON)
set(LAYERCUT_HAS_CUDA_KERNELS OFF)
if(LAYERCUT_CUDA_KERNELS AND (TARGET c10_cuda OR TARGET torch_cuda))
    include(CheckLanguage)
    check_language(CUDA)
    if(CMAKE_CUDA_COMPILER)
        if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
            set(CMAKE_CUDA_ARCHITECTURES native)
        endif()
        enable_language(CUDA)
        find_package(CUDAToolkit REQUIRED)
        set(LAYERCUT_HAS_CUDA_KERNELS ON)
    endif()
endif()
message(STATUS "fused CUDA kernels: ${LAYERCUT_HAS_CUDA_KERNELS}")
