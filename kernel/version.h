#pragma once

namespace kernel_version {
constexpr const char* sysname = "mipsnet";
constexpr const char* release = "0.1.0";
constexpr const char* version = "#1 " __DATE__;
constexpr const char* machine = "mips";
}
