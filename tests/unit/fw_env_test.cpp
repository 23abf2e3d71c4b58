// kernel/fw_env: YAMON's environment as the loader hands it over (name,
// value pairs, or name=value strings), the memory size and console rate
// taken from it, and a loader's garbage refused. With the MIPS CPU name
// table (kernel/arch/mips/cpu_name.cpp), pure too.
#include <string.h>

#include "kernel/arch/mips/cpu_name.h"
#include "kernel/fw_env.h"

#include <CppUTest/TestHarness.h>

namespace {

bool anything(const void*) { return true; }

// Only pointers inside [lo, hi) are "RAM".
const char* lo;
const char* hi;
bool inside(const void* p) {
    auto* c = static_cast<const char*>(p);
    return c >= lo && c < hi;
}

}  // namespace

TEST_GROUP(fw_env) {
    void teardown() override { fw_init_env(nullptr, anything); }
};

TEST(fw_env, yamon_pairs_as_qemus_malta_loader_writes_them) {
    const char* envp[] = {"memsize", "0x08000000", "ememsize", "0", "modetty0", "38400n8r", nullptr};
    fw_init_env(const_cast<char**>(envp), anything);
    STRCMP_EQUAL("0x08000000", fw_getenv("memsize"));
    STRCMP_EQUAL("38400n8r", fw_getenv("modetty0"));
    CHECK(fw_getenv("ethaddr") == nullptr);
    CHECK(fw_getenv("memsiz") == nullptr);
    UNSIGNED_LONGS_EQUAL(128u << 20, fw_memsize(0));   // ememsize 0: memsize counts
    UNSIGNED_LONGS_EQUAL(38400, fw_console_baud(9600));
}

TEST(fw_env, name_equals_value_strings) {
    const char* envp[] = {"memsize=67108864", "ethaddr=00:d0:a0:00:01:02", "modetty0=115200n8", nullptr};
    fw_init_env(const_cast<char**>(envp), anything);
    STRCMP_EQUAL("00:d0:a0:00:01:02", fw_getenv("ethaddr"));
    UNSIGNED_LONGS_EQUAL(64u << 20, fw_memsize(0));
    UNSIGNED_LONGS_EQUAL(115200, fw_console_baud(38400));
}

TEST(fw_env, ememsize_first_capped_at_what_kseg0_reaches) {
    const char* envp[] = {"memsize", "268435456", "ememsize", "0x40000000", nullptr};
    fw_init_env(const_cast<char**>(envp), anything);
    UNSIGNED_LONGS_EQUAL(256u << 20, fw_memsize(0));
}

TEST(fw_env, without_an_environment_the_loaders_size_and_the_default_rate) {
    fw_init_env(nullptr, anything);
    UNSIGNED_LONGS_EQUAL(32u << 20, fw_memsize(32u << 20));
    UNSIGNED_LONGS_EQUAL(38400, fw_console_baud(38400));
    const char* bad[] = {"memsize", "lots", "modetty0", "31250n8", nullptr};
    fw_init_env(const_cast<char**>(bad), anything);
    UNSIGNED_LONGS_EQUAL(16u << 20, fw_memsize(16u << 20));   // not a number: the loader's
    UNSIGNED_LONGS_EQUAL(38400, fw_console_baud(38400));     // not a 16550 rate
    LONGS_EQUAL(7, fw_getenvl("nothing", 7));
}

TEST(fw_env, pointers_outside_ram_end_the_environment_there) {
    static char ram[512];
    lo = ram;
    hi = ram + sizeof ram;
    char* envp_in_ram = ram;   // the array itself lives in "RAM"
    char** envp = reinterpret_cast<char**>(envp_in_ram);
    char* strings = ram + 64;
    strcpy(strings, "memsize");
    strcpy(strings + 16, "0x1000000");
    envp[0] = strings;
    envp[1] = strings + 16;
    envp[2] = const_cast<char*>("modetty0");   // outside: the walk stops
    envp[3] = nullptr;
    // The strings must also have max_len bytes of RAM behind them.
    fw_init_env(envp, inside);
    STRCMP_EQUAL("0x1000000", fw_getenv("memsize"));
    CHECK(fw_getenv("modetty0") == nullptr);
    fw_init_env(reinterpret_cast<char**>(0x1234), inside);   // a3's garbage in a2
    CHECK(fw_getenv("memsize") == nullptr);
}

TEST(fw_env, unterminated_or_oversized_entries_are_not_taken) {
    char longname[40];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    const char* envp[] = {longname, "1", "memsize", "4096", nullptr};
    fw_init_env(const_cast<char**>(envp), anything);
    CHECK(fw_getenv(longname) == nullptr);
    UNSIGNED_LONGS_EQUAL(4096, fw_memsize(0));
    const char* odd[] = {"memsize", nullptr};   // a name with no value
    fw_init_env(const_cast<char**>(odd), anything);
    CHECK(fw_getenv("memsize") == nullptr);
}

TEST_GROUP(cpu_name) {};

TEST(cpu_name, malta_core_cards_by_prid) {
    STRCMP_EQUAL("MIPS 24Kc", mips::cpu_name(0x00019300));   // QEMU's mipsel Malta default
    STRCMP_EQUAL("MIPS 4Kc", mips::cpu_name(0x00018001));
    STRCMP_EQUAL("MIPS 34Kc", mips::cpu_name(0x00019548));
    STRCMP_EQUAL("MIPS 74Kc", mips::cpu_name(0x0001974c));
    STRCMP_EQUAL("MIPS 1004Kc", mips::cpu_name(0x00019900));
    STRCMP_EQUAL("unknown", mips::cpu_name(0x00029300));   // another company's 0x93
    STRCMP_EQUAL("unknown", mips::cpu_name(0x0001ff00));
}
