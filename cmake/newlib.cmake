# newlib from Debian's newlib-source, built once per build tree for the
# target flags and installed under ${NEWLIB_PREFIX}. The stamp files keep it
# cached: a rebuild of the kernel never rebuilds newlib.
include(ExternalProject)
# Whichever release the installed newlib-source ships (3.3.0 on Debian 12).
file(GLOB NEWLIB_TARBALL /usr/src/newlib/newlib-*.tar.xz)
list(LENGTH NEWLIB_TARBALL newlib_tarballs)
if(NOT newlib_tarballs EQUAL 1)
  message(FATAL_ERROR "need exactly one /usr/src/newlib/newlib-*.tar.xz (Debian's newlib-source), found: ${NEWLIB_TARBALL}")
endif()
set(NEWLIB_PREFIX ${CMAKE_BINARY_DIR}/newlib/install)
# mipsel-elf or mips-elf (the toolchain file's byte order): newlib's own
# endianness comes from the compiler's -EL/-EB (__MIPSEL__/__MIPSEB__), the
# triple only names the install directory.
set(NEWLIB_INCLUDE ${NEWLIB_PREFIX}/${MIPSNET_NEWLIB_TARGET}/include)
set(NEWLIB_LIBDIR ${NEWLIB_PREFIX}/${MIPSNET_NEWLIB_TARGET}/lib)
ExternalProject_Add(newlib
  PREFIX ${CMAKE_BINARY_DIR}/newlib
  DOWNLOAD_COMMAND ""
  CONFIGURE_COMMAND ""
  BUILD_COMMAND sh ${CMAKE_SOURCE_DIR}/cmake/newlib-build.sh ${NEWLIB_TARBALL}
                   ${CMAKE_BINARY_DIR}/newlib/work ${NEWLIB_PREFIX} "${MIPSNET_ARCH_FLAGS}"
                   ${MIPSNET_NEWLIB_TARGET}
  INSTALL_COMMAND ""
  BUILD_BYPRODUCTS ${NEWLIB_LIBDIR}/libc.a ${NEWLIB_LIBDIR}/libm.a
  LOG_BUILD OFF)
file(MAKE_DIRECTORY ${NEWLIB_INCLUDE})
add_library(newlib_c STATIC IMPORTED GLOBAL)
set_target_properties(newlib_c PROPERTIES IMPORTED_LOCATION ${NEWLIB_LIBDIR}/libc.a)
add_library(newlib_m STATIC IMPORTED GLOBAL)
set_target_properties(newlib_m PROPERTIES IMPORTED_LOCATION ${NEWLIB_LIBDIR}/libm.a)
add_dependencies(newlib_c newlib)
add_dependencies(newlib_m newlib)
