#pragma once
#include <stdint.h>

namespace malta {
uint32_t pit_measure_counter_hz();   // CP0 Count rate against the i8254
uint64_t rtc_read_unix_seconds();    // MC146818 wall clock, 0 if unreadable
}
