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
