# Debian's g++-mipsel-linux-gnu used freestanding: no glibc, no libstdc++,
# newlib (built by cmake/newlib.cmake) for the C library. Included by
# toolchain-mipsel.cmake and toolchain-mipseb.cmake, which set
# MIPSNET_BYTE_ORDER (little or big).
if(NOT MIPSNET_BYTE_ORDER MATCHES "^(little|big)$")
  message(FATAL_ERROR "MIPSNET_BYTE_ORDER must be little or big (use toolchain-mipsel.cmake or toolchain-mipseb.cmake)")
endif()
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR mips)
set(CMAKE_C_COMPILER mipsel-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER mipsel-linux-gnu-g++)
set(CMAKE_ASM_COMPILER mipsel-linux-gnu-gcc)
set(CMAKE_AR mipsel-linux-gnu-ar)
set(CMAKE_RANLIB mipsel-linux-gnu-ranlib)
set(CMAKE_OBJCOPY mipsel-linux-gnu-objcopy)
set(CMAKE_SIZE mipsel-linux-gnu-size)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# o32, non-PIC, no small-data section: the flags every object (and newlib)
# shares. -EB/-EL reach the assembler and, at the link, ld (elf32-tradbigmips
# or elf32-tradlittlemips).
if(MIPSNET_BYTE_ORDER STREQUAL "big")
  set(MIPSNET_ENDIAN_FLAG -EB)
  set(MIPSNET_NEWLIB_TARGET mips-elf)
else()
  set(MIPSNET_ENDIAN_FLAG -EL)
  set(MIPSNET_NEWLIB_TARGET mipsel-elf)
endif()
set(MIPSNET_ARCH_FLAGS "-march=mips32r2 ${MIPSNET_ENDIAN_FLAG} -mabi=32 -mno-abicalls -fno-pic -G0")
set(CMAKE_C_FLAGS_INIT "${MIPSNET_ARCH_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${MIPSNET_ARCH_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${MIPSNET_ARCH_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${MIPSNET_ARCH_FLAGS} -nostdlib -static")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
