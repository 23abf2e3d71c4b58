// Board clocks in the PIIX4: the i8254 timer (1.193182 MHz, Intel 8254
// datasheet) to measure the CPU's Count rate, and the MC146818 RTC
// (Motorola MC146818A datasheet, registers 0-9, A, B) for the wall clock.
#include "board/malta/clock.h"

#include "board/malta/io.h"
#include "kernel/cpu.h"

namespace malta {

namespace {

constexpr uint16_t pit_ch0 = 0x40, pit_cmd = 0x43;
constexpr uint8_t pit_ch0_lohi_mode2 = 0x34, pit_latch_ch0 = 0x00;
constexpr uint32_t pit_hz = 1193182;
constexpr uint32_t calibrate_ticks = pit_hz / 100;  // 10 ms

uint16_t pit_read() {
    outb(pit_cmd, pit_latch_ch0);
    uint8_t lo = inb(pit_ch0);
    uint8_t hi = inb(pit_ch0);
    return static_cast<uint16_t>(hi << 8 | lo);
}

constexpr uint16_t rtc_index = 0x70, rtc_data = 0x71;
enum rtc_reg : uint8_t { sec = 0, min = 2, hour = 4, mday = 7, mon = 8, year = 9, reg_a = 10,
                         reg_b = 11, century = 0x32 };
constexpr uint8_t rtc_a_uip = 0x80, rtc_b_binary = 0x04, rtc_b_24h = 0x02;

uint8_t rtc_read(rtc_reg r) {
    outb(rtc_index, r);
    return inb(rtc_data);
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = static_cast<unsigned>(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

uint32_t pit_measure_counter_hz() {
    cpu::irq_guard guard;
    outb(pit_cmd, pit_ch0_lohi_mode2);
    outb(pit_ch0, 0);
    outb(pit_ch0, 0);  // reload 65536
    // Start and stop on a change of the PIT's count, so that both ends of the
    // measurement sit on a PIT edge rather than somewhere between two.
    uint16_t prev = pit_read();
    uint32_t spins = 0;
    uint16_t now;
    while ((now = pit_read()) == prev) {
        if (++spins > 1000000) {
            return 0;  // the PIT does not count: no measurement
        }
    }
    uint32_t start = cpu::cycles();
    prev = now;
    uint32_t elapsed = 0;
    while (elapsed < calibrate_ticks) {
        now = pit_read();
        elapsed += static_cast<uint16_t>(prev - now);
        prev = now;
    }
    uint32_t cycles = cpu::cycles() - start;
    uint64_t hz = static_cast<uint64_t>(cycles) * pit_hz / elapsed;
    return static_cast<uint32_t>((hz + 5000) / 10000 * 10000);  // to 10 kHz
}

uint64_t rtc_read_unix_seconds() {
    for (int i = 0; i < 100000 && (rtc_read(reg_a) & rtc_a_uip); ++i) {
    }
    uint8_t b = rtc_read(reg_b);
    auto val = [b](uint8_t v) -> unsigned {
        return (b & rtc_b_binary) ? v : (v & 0x0f) + (v >> 4) * 10;
    };
    unsigned s = val(rtc_read(sec)), mi = val(rtc_read(min));
    uint8_t hraw = rtc_read(hour);
    unsigned h = val(hraw & 0x7f);
    if (!(b & rtc_b_24h) && (hraw & 0x80)) {
        h = (h % 12) + 12;
    }
    unsigned d = val(rtc_read(mday)), mo = val(rtc_read(mon));
    unsigned y = val(rtc_read(year)), c = val(rtc_read(century));
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
        return 0;
    }
    unsigned full_year = (c >= 19 && c <= 21) ? c * 100 + y : (y < 70 ? 2000 + y : 1900 + y);
    int64_t days = days_from_civil(full_year, mo, d);
    return static_cast<uint64_t>(days * 86400 + h * 3600 + mi * 60 + s);
}

}  // namespace malta
