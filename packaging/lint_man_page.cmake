# SPDX-License-Identifier: GPL-3.0-or-later
# Lints one man page; any diagnostic fails, since groff exits 0 on warnings.
#   cmake -DGROFF=groff [-DMANDOC=mandoc] [-DLEXGROG=lexgrog] -DPAGE=page.1 -P lint_man_page.cmake
# groff -ww: every groff warning (bad macros, escapes, fonts); mandoc -Tlint: man(7) structure and
# style; lexgrog: the NAME section that mandb and apropos index.
function(lint_run name)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0 OR NOT out STREQUAL "")
        message(FATAL_ERROR "${name} on ${PAGE} (exit ${rc}):\n${out}")
    endif()
endfunction()

# A UTF-8 locale, so groff and mandoc read the page as it is installed and read by man.
set(ENV{LC_ALL} C.UTF-8)
lint_run(groff ${GROFF} -man -Tutf8 -ww -z ${PAGE})
if(MANDOC)
    lint_run(mandoc ${MANDOC} -Tlint -Wall ${PAGE})
endif()
if(LEXGROG)
    # lexgrog prints the whatis line on success; only its exit status says whether NAME parsed.
    execute_process(COMMAND ${LEXGROG} ${PAGE} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "lexgrog on ${PAGE} (exit ${rc}):\n${out}")
    endif()
endif()
