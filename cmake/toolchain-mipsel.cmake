# Debian's g++-mipsel-linux-gnu used freestanding: no glibc, no libstdc++,
# newlib (built by cmake/newlib.cmake) for the C library.
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

# o32, non-PIC, no small-data section: the flags every object (and newlib) shares.
set(MIPSNET_ARCH_FLAGS "-march=mips32r2 -EL -mabi=32 -mno-abicalls -fno-pic -G0")
set(CMAKE_C_FLAGS_INIT "${MIPSNET_ARCH_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${MIPSNET_ARCH_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${MIPSNET_ARCH_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${MIPSNET_ARCH_FLAGS} -nostdlib -static")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
