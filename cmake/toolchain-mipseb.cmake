# Big-endian MIPS (preset malta-be): QEMU's qemu-system-mips -M malta, and a
# Malta jumpered big-endian. Debian's mipsel-linux-gnu gcc generates and links
# big-endian code with -EB; the image needs none of its libraries (libgcc's
# routines are libc/libgcc.cpp, newlib is built here with the same flags), so
# its little-endian multilibs do not matter.
set(MIPSNET_BYTE_ORDER big)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-mips.cmake)
