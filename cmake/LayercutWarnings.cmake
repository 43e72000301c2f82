# SPDX-License-Identifier: GPL-3.0-or-later
# layercut_set_warnings(target): the project's warning set, applied per target (never globally).
function(layercut_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter -Wno-missing-field-initializers)
    if(LAYERCUT_WARNINGS_AS_ERRORS)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
