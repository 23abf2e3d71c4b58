# The bootable image: boot code, kernel, board, drivers, libc, apps, newlib.
include(${CMAKE_SOURCE_DIR}/cmake/newlib.cmake)

execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE GCC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
# The cross compiler's own C++ headers (used for <type_traits> and the like,
# never its library): /usr/mipsel-linux-gnu/include/c++/MAJOR on Debian.
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -dumpversion
                OUTPUT_VARIABLE GCC_VERSION OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX MATCH "^[0-9]+" GCC_MAJOR "${GCC_VERSION}")
get_filename_component(CXX_INCLUDE "${GCC_INCLUDE}/../../../../../mipsel-linux-gnu/include/c++/${GCC_MAJOR}" ABSOLUTE)
if(NOT EXISTS ${CXX_INCLUDE}/type_traits)
  message(FATAL_ERROR "no C++ headers at ${CXX_INCLUDE} (g++-mipsel-linux-gnu ${GCC_VERSION})")
endif()

# mipsnet_flags: what every object of an image is compiled with. Its C
# library part, mipsnet_c_flags, serves code that must see only newlib's and
# gcc's headers even when it is C++ (CppUTest built without the C++ library).
add_library(mipsnet_c_flags INTERFACE)
add_library(mipsnet_flags INTERFACE)
target_link_libraries(mipsnet_flags INTERFACE mipsnet_c_flags)
# -nostdinc drops every default path; these come back in this order (CMake
# would filter the compiler's own include dir out of include_directories()).
# A consumer of mipsnet_flags gets its options before mipsnet_c_flags' ones.
target_compile_options(mipsnet_flags INTERFACE
  "$<$<COMPILE_LANGUAGE:CXX>:SHELL:-isystem ${CXX_INCLUDE}>"
  "$<$<COMPILE_LANGUAGE:CXX>:SHELL:-isystem ${CXX_INCLUDE}/mipsel-linux-gnu>"
  "$<$<COMPILE_LANGUAGE:CXX>:SHELL:-isystem ${CMAKE_SOURCE_DIR}/cmake/shim>")
target_compile_options(mipsnet_c_flags INTERFACE
  "SHELL:-isystem ${NEWLIB_INCLUDE}" "SHELL:-isystem ${GCC_INCLUDE}")
target_include_directories(mipsnet_c_flags INTERFACE ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/libc/include)
target_compile_options(mipsnet_c_flags INTERFACE
  -nostdinc -ffreestanding -ffunction-sections -fdata-sections -fno-strict-aliasing -fno-common -Wall -Wextra
  $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti -fno-threadsafe-statics -Wno-volatile>
  $<$<COMPILE_LANGUAGE:ASM>:-D__ASSEMBLY__>)
set(MIPSNET_HZ 100 CACHE STRING "Timer interrupts per second (jiffies rate)")
# libc/ provides the POSIX clocks (clock_gettime and friends) and
# sched_yield that newlib's headers only declare when the platform says so.
# __LINUX_ERRNO_EXTENSIONS__: newlib names every Linux errno (ESOCKTNOSUPPORT...).
target_compile_definitions(mipsnet_c_flags INTERFACE _POSIX_TIMERS=1 _POSIX_MONOTONIC_CLOCK=200112L
  _POSIX_PRIORITY_SCHEDULING=1
  __LINUX_ERRNO_EXTENSIONS__=1
  CONFIG_HZ=${MIPSNET_HZ})


file(GLOB MIPSNET_TARGET_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/boot/*.S
  ${CMAKE_SOURCE_DIR}/kernel/arch/mips/*.cpp ${CMAKE_SOURCE_DIR}/kernel/arch/mips/*.S
  ${CMAKE_SOURCE_DIR}/board/malta/*.cpp
  ${CMAKE_SOURCE_DIR}/drivers/*.cpp ${CMAKE_SOURCE_DIR}/drivers/*/*.cpp
  ${CMAKE_SOURCE_DIR}/libc/*.cpp ${CMAKE_SOURCE_DIR}/libc/resolv/*.cpp)
# The root filesystem: MIPSNET_ROOTFS_DIR packed into a newc cpio archive
# (tools/gen_initramfs.py, fixed mtimes and sorted order, so the image is
# reproducible) and linked in by initramfs_data.S, as Linux's
# CONFIG_INITRAMFS_SOURCE and usr/initramfs_data.S.
set(MIPSNET_ROOTFS_DIR ${CMAKE_SOURCE_DIR}/rootfs CACHE PATH "Directory packed into the built-in root filesystem")
set(MIPSNET_INITRAMFS ${CMAKE_BINARY_DIR}/initramfs.cpio)
add_custom_command(OUTPUT ${MIPSNET_INITRAMFS}
  COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tools/gen_initramfs.py ${MIPSNET_ROOTFS_DIR} ${MIPSNET_INITRAMFS}
          --depfile ${MIPSNET_INITRAMFS}.d
  DEPENDS ${CMAKE_SOURCE_DIR}/tools/gen_initramfs.py
  DEPFILE ${MIPSNET_INITRAMFS}.d
  COMMENT "Packing ${MIPSNET_ROOTFS_DIR} into initramfs.cpio" VERBATIM)
add_custom_target(initramfs DEPENDS ${MIPSNET_INITRAMFS})
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/initramfs_data.S CONTENT [[
/* The built-in root filesystem archive (Linux's usr/initramfs_data.S). */
	.section .rodata.initramfs, "a"
	.balign 16
	.globl __initramfs_start
__initramfs_start:
	.incbin "@MIPSNET_INITRAMFS@"
	.globl __initramfs_end
__initramfs_end:
]] @ONLY)
set_source_files_properties(${CMAKE_BINARY_DIR}/initramfs_data.S PROPERTIES OBJECT_DEPENDS ${MIPSNET_INITRAMFS})
list(APPEND MIPSNET_TARGET_SOURCES ${CMAKE_BINARY_DIR}/initramfs_data.S)

add_library(mipsnet_kernel OBJECT ${MIPSNET_TARGET_SOURCES} ${MIPSNET_PORTABLE_SOURCES})
target_link_libraries(mipsnet_kernel PUBLIC mipsnet_flags)
add_dependencies(mipsnet_kernel newlib initramfs)

file(GLOB MIPSNET_APP_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/apps/*.cpp ${CMAKE_SOURCE_DIR}/apps/http/*.cpp
     ${CMAKE_SOURCE_DIR}/apps/iperf3/*.cpp ${CMAKE_SOURCE_DIR}/apps/pcap/*.cpp ${CMAKE_SOURCE_DIR}/apps/shell/*.cpp
     ${CMAKE_SOURCE_DIR}/apps/telnet/*.cpp)
# httpd's dashboard, built in for a root filesystem without /www/index.html.
set(HTTPD_INDEX ${CMAKE_SOURCE_DIR}/rootfs/www/index.html)
set(HTTPD_INDEX_CPP ${CMAKE_BINARY_DIR}/generated/httpd_index_html.cpp)
add_custom_command(OUTPUT ${HTTPD_INDEX_CPP}
  COMMAND ${CMAKE_COMMAND} -DIN=${HTTPD_INDEX} -DOUT=${HTTPD_INDEX_CPP} -DSYM=httpd_index_html
          -P ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
  DEPENDS ${HTTPD_INDEX} ${CMAKE_SOURCE_DIR}/cmake/embed.cmake VERBATIM)
# iperf3d speaks JSON through cJSON (Debian's source, fetched at configure
# time); without it the image is built without iperf3d.
include(${CMAKE_SOURCE_DIR}/cmake/cjson-target.cmake)
if(NOT TARGET cjson_target)
  list(FILTER MIPSNET_APP_SOURCES EXCLUDE REGEX "/apps/iperf3(d\\.cpp|/)")
endif()
add_library(mipsnet_apps OBJECT ${MIPSNET_APP_SOURCES} ${HTTPD_INDEX_CPP})
target_link_libraries(mipsnet_apps PUBLIC mipsnet_flags)
if(TARGET cjson_target)
  target_link_libraries(mipsnet_apps PUBLIC cjson_target)
endif()
add_dependencies(mipsnet_apps newlib)

set(MIPSNET_LDSCRIPT ${CMAKE_SOURCE_DIR}/boot/kernel.ld)

# mipsnet_image(NAME objects...): link a bootable ELF from the kernel and the
# given object libraries and newlib (libgcc: libc/libgcc.cpp). Linked twice, as Linux
# does for kallsyms: the first link's symbols become a table in the second,
# so backtraces print function names.
function(mipsnet_link name)
  add_executable(${name} $<TARGET_OBJECTS:mipsnet_kernel> ${ARGN})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS ${MIPSNET_LDSCRIPT})
  target_link_libraries(${name} PRIVATE mipsnet_flags)
  target_link_options(${name} PRIVATE -T ${MIPSNET_LDSCRIPT} -Wl,--gc-sections
    -Wl,-Map=${CMAKE_CURRENT_BINARY_DIR}/${name}.map)
  # No libgcc: libc/libgcc.cpp has its routines, built non-PIC.
  target_link_libraries(${name} PRIVATE -Wl,--start-group newlib_c newlib_m -Wl,--end-group)
endfunction()

function(mipsnet_image name)
  mipsnet_link(${name}_pass1 ${CMAKE_SOURCE_DIR}/kernel/arch/mips/kallsyms/empty.S ${ARGN})
  set(table ${CMAKE_CURRENT_BINARY_DIR}/${name}_kallsyms.S)
  add_custom_command(OUTPUT ${table}
    COMMAND sh -c "mipsel-linux-gnu-nm -n -C $<TARGET_FILE:${name}_pass1> | /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tools/kallsyms.py > ${table}"
    DEPENDS ${name}_pass1 ${CMAKE_SOURCE_DIR}/tools/kallsyms.py VERBATIM)
  mipsnet_link(${name} ${table} ${ARGN})
  target_link_libraries(${name} PRIVATE mipsnet_flags)
  add_custom_command(TARGET ${name} POST_BUILD COMMAND ${CMAKE_SIZE} $<TARGET_FILE:${name}>)
endfunction()

if(TARGET cjson_target)
  mipsnet_image(kernel $<TARGET_OBJECTS:mipsnet_apps> $<TARGET_OBJECTS:cjson_target>)
else()
  mipsnet_image(kernel $<TARGET_OBJECTS:mipsnet_apps>)
endif()

# The images boot loaders take (YAMON's S-records, U-Boot's uImage), next to
# kernel.elf.
add_custom_command(TARGET kernel POST_BUILD
  COMMAND sh ${CMAKE_SOURCE_DIR}/tools/bootimages.sh $<TARGET_FILE:kernel> VERBATIM)
