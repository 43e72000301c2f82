# SPDX-License-Identifier: GPL-3.0-or-later
# Read by cpack for each generator (CPACK_PROJECT_CONFIG_FILE). Refuses a .deb that would install but not
# run, with the reason, instead of leaving it to be found on the user's machine.
if(CPACK_GENERATOR STREQUAL "DEB")
    if(CPACK_LAYERCUT_DEB_BLOCKER)
        message(FATAL_ERROR "No Debian package: ${CPACK_LAYERCUT_DEB_BLOCKER}.")
    endif()
    # The plugin directory is compiled in as an absolute path, and Debian packages live in /usr.
    if(NOT CPACK_PACKAGING_INSTALL_PREFIX STREQUAL "/usr")
        message(FATAL_ERROR "The Debian package needs a build configured with -DCMAKE_INSTALL_PREFIX=/usr "
                            "(this one has ${CPACK_PACKAGING_INSTALL_PREFIX}).")
    endif()
endif()
