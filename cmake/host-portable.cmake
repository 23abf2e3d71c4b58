# mipsnet_portable: the portable kernel and net code built for the host
# (x86-64), with the stand-ins for the CPU and the board in tests/unit/host/.
# The unit tests, the host benchmarks and the fuzz targets link it.
set(HOST_PORTABLE ${MIPSNET_PORTABLE_SOURCES})
list(FILTER HOST_PORTABLE EXCLUDE REGEX "/kernel/main\\.cpp$")

# Driver code that reaches hardware only through kernel/board.h,
# kernel/io.h and kernel/dma.h is portable too; pcnet32 runs against the
# simulated card of pcnet32_sim.cpp.
list(APPEND HOST_PORTABLE
  ${CMAKE_SOURCE_DIR}/drivers/pci/pci.cpp
  ${CMAKE_SOURCE_DIR}/drivers/net/eth_hw.cpp
  ${CMAKE_SOURCE_DIR}/drivers/net/eth_netdev.cpp
  ${CMAKE_SOURCE_DIR}/drivers/net/eth_selftest.cpp
  ${CMAKE_SOURCE_DIR}/drivers/net/pcnet32.cpp
  # The CPU name table: MIPS knowledge, but no MIPS headers.
  ${CMAKE_SOURCE_DIR}/kernel/arch/mips/cpu_name.cpp
  # libc's DNS message codec: pure byte work, tested hard here.
  ${CMAKE_SOURCE_DIR}/libc/resolv/dns_msg.cpp)
# httpd's protocol code (parser, response heads, JSON): portable app logic.
file(GLOB HOST_HTTP CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/apps/http/*.cpp)
list(APPEND HOST_PORTABLE ${HOST_HTTP})
# sniff's pcap writer.
list(APPEND HOST_PORTABLE ${CMAKE_SOURCE_DIR}/apps/pcap/pcap.cpp)
# telnetd's NVT codec (apps/telnet/) and the shell's line editor and word
# split (apps/shell/): portable app logic too.
file(GLOB HOST_TELNET CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/apps/telnet/*.cpp)
file(GLOB HOST_SHELL CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/apps/shell/*.cpp)
list(APPEND HOST_PORTABLE ${HOST_TELNET} ${HOST_SHELL})

file(GLOB HOST_STUBS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/host/*.cpp)

add_library(mipsnet_portable STATIC ${HOST_PORTABLE} ${HOST_STUBS})
target_include_directories(mipsnet_portable PUBLIC ${CMAKE_SOURCE_DIR})
target_compile_options(mipsnet_portable PUBLIC -Wall -Wextra -fno-exceptions -fno-rtti)
target_compile_definitions(mipsnet_portable PUBLIC MIPSNET_HOST=1)
