# cJSON 1.7.15 for the target, from Debian 12's cjson source package (with
# Debian's patches), for the iperf3 server's control messages. Fetched and
# unpacked once per build tree at configure time (cmake/cjson-fetch.sh, a
# private apt configuration in the build tree, as for CppUTest); cJSON.c is
# built with the kernel's C flags (newlib's malloc, strtod, sprintf and
# localeconv are all it uses), so make caches its object like any other.
# Defines cjson_target (an OBJECT library) or, when the source cannot be
# fetched, CJSON_TARGET_ERROR.
set(CJSON_TARGET_WORK ${CMAKE_BINARY_DIR}/cjson)
set(CJSON_TARGET_SRC ${CJSON_TARGET_WORK}/cjson-1.7.15)

if(NOT EXISTS ${CJSON_TARGET_SRC}/.unpacked)
  message(STATUS "Fetching cJSON 1.7.15 source (apt-get source cjson) into ${CJSON_TARGET_WORK}")
  execute_process(COMMAND sh ${CMAKE_SOURCE_DIR}/cmake/cjson-fetch.sh ${CJSON_TARGET_WORK}
                  RESULT_VARIABLE fetch_rc ERROR_VARIABLE fetch_err)
  if(NOT fetch_rc EQUAL 0)
    set(CJSON_TARGET_ERROR "could not fetch Debian's cjson source: ${fetch_err}")
    message(WARNING "iperf3d left out of the image: ${CJSON_TARGET_ERROR}")
    return()
  endif()
endif()

add_library(cjson_target OBJECT ${CJSON_TARGET_SRC}/cJSON.c)
target_link_libraries(cjson_target PUBLIC mipsnet_c_flags)
# Users write #include <cjson/cJSON.h>, as with Debian's libcjson-dev on the
# host: a directory in the build tree holds that one name.
file(MAKE_DIRECTORY ${CJSON_TARGET_WORK}/include/cjson)
file(COPY ${CJSON_TARGET_SRC}/cJSON.h DESTINATION ${CJSON_TARGET_WORK}/include/cjson)
target_include_directories(cjson_target SYSTEM PUBLIC ${CJSON_TARGET_WORK}/include)
# Someone else's code: its warnings under our -Wextra are not ours to fix.
target_compile_options(cjson_target PRIVATE -w)
add_dependencies(cjson_target newlib)
