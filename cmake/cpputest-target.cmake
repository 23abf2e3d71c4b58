# CppUTest 4.0 for the target, from Debian 12's cpputest source package.
# The source is fetched and unpacked once per build tree at configure time
# (cmake/cpputest-fetch.sh, a private apt configuration in the build tree);
# its objects are built with the kernel's own flags, so make keeps them
# cached like any other object. Unchanged sources, only configuration:
#  - CPPUTEST_STD_CPP_LIB_DISABLED: there is no libstdc++ (nor exceptions);
#  - the Gcc platform file: it needs only newlib once fork, pthreads and the
#    like are left undefined (CPPUTEST_HAVE_FORK...), and CPPUTEST_HAVE_GETTIMEOFDAY
#    gives per-test times from libc's gettimeofday syscall.
# Defines cpputest_target (an OBJECT library: objects that go straight into
# an image, so link order against newlib never matters) or, when the source
# cannot be fetched, CPPUTEST_TARGET_ERROR.
set(CPPUTEST_TARGET_WORK ${CMAKE_BINARY_DIR}/cpputest)
set(CPPUTEST_TARGET_SRC ${CPPUTEST_TARGET_WORK}/cpputest-4.0)

if(NOT EXISTS ${CPPUTEST_TARGET_SRC}/.unpacked)
  message(STATUS "Fetching CppUTest 4.0 source (apt-get source cpputest) into ${CPPUTEST_TARGET_WORK}")
  execute_process(COMMAND sh ${CMAKE_SOURCE_DIR}/cmake/cpputest-fetch.sh ${CPPUTEST_TARGET_WORK}
                  RESULT_VARIABLE fetch_rc ERROR_VARIABLE fetch_err)
  if(NOT fetch_rc EQUAL 0)
    set(CPPUTEST_TARGET_ERROR "could not fetch Debian's cpputest source: ${fetch_err}")
    message(WARNING "target unit tests: ${CPPUTEST_TARGET_ERROR}")
    return()
  endif()
endif()

file(GLOB CPPUTEST_TARGET_SOURCES ${CPPUTEST_TARGET_SRC}/src/CppUTest/*.cpp
                                  ${CPPUTEST_TARGET_SRC}/src/CppUTestExt/*.cpp)
# GTest.cpp bridges to Google Test, which is not there; the IEEE 754
# exceptions plugin needs the FE_* flags that newlib's MIPS <fenv.h> lacks.
list(FILTER CPPUTEST_TARGET_SOURCES EXCLUDE REGEX "/(GTest|IEEE754ExceptionsPlugin)\\.cpp$")
add_library(cpputest_target OBJECT ${CPPUTEST_TARGET_SOURCES}
            ${CPPUTEST_TARGET_SRC}/src/Platforms/Gcc/UtestPlatform.cpp)
target_link_libraries(cpputest_target PUBLIC mipsnet_c_flags)
target_include_directories(cpputest_target SYSTEM PUBLIC ${CPPUTEST_TARGET_SRC}/include)
# CppUTest turns 64-bit checks (UNSIGNED_LONGLONGS_EQUAL) on when <limits.h>
# has LLONG_MAX; newlib's and gcc's limits.h define it only for C99, not for
# C++ (libstdc++'s <climits> adds it), so it is said here, for the library
# and its users alike (CppUTest's own cmake option LONGLONG does the same).
target_compile_definitions(cpputest_target PUBLIC CPPUTEST_STD_CPP_LIB_DISABLED CPPUTEST_USE_LONG_LONG
                           PRIVATE CPPUTEST_HAVE_GETTIMEOFDAY)
# Someone else's code: its warnings under our -Wextra are not ours to fix.
target_compile_options(cpputest_target PRIVATE -w)
add_dependencies(cpputest_target newlib)
