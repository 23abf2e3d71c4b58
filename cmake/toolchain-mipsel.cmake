# Little-endian MIPS (preset malta): QEMU's qemu-system-mipsel -M malta, and
# a Malta whose CPU board is jumpered little-endian.
set(MIPSNET_BYTE_ORDER little)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-mips.cmake)
