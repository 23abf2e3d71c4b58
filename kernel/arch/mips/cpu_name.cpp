#include "kernel/arch/mips/cpu_name.h"

namespace mips {

namespace {

constexpr uint32_t PRID_COMP_MIPS = 0x01;   // MIPS Technologies' cores

struct core {
    uint8_t imp;   // PRID_IMP_* >> 8
    const char* name;
};

// Linux's PRID_IMP_* values (arch/mips/include/asm/cpu.h) for the company
// MIPS, with cpu-probe.c's names: the cores a Malta core card carries
// (4K, 5K, 20K, 24K, 34K, 74K, 1004K...) and their successors.
constexpr core mips_cores[] = {
    {0x80, "MIPS 4Kc"},       {0x81, "MIPS 5Kc"},     {0x82, "MIPS 20Kc"},
    {0x84, "MIPS 4KEc"},      {0x86, "MIPS 4KSc"},    {0x88, "MIPS 25Kc"},
    {0x89, "MIPS 5KE"},       {0x90, "MIPS 4KEc"},    {0x91, "MIPS 4KEm"},
    {0x92, "MIPS 4KSd"},      {0x93, "MIPS 24Kc"},    {0x95, "MIPS 34Kc"},
    {0x96, "MIPS 24KEc"},     {0x97, "MIPS 74Kc"},    {0x99, "MIPS 1004Kc"},
    {0x9a, "MIPS 1074Kc"},    {0x9c, "MIPS M14Kc"},   {0x9e, "MIPS M14KEc"},
    {0xa0, "MIPS interAptiv"}, {0xa1, "MIPS interAptiv (multi)"},
    {0xa2, "MIPS proAptiv"},  {0xa3, "MIPS proAptiv (multi)"},
    {0xa7, "MIPS M5150"},     {0xa8, "MIPS P5600"},   {0xa9, "MIPS I6400"},
};

}  // namespace

const char* cpu_name(uint32_t prid) {
    if ((prid >> 16 & 0xff) != PRID_COMP_MIPS) {
        return "unknown";
    }
    uint8_t imp = static_cast<uint8_t>(prid >> 8);
    for (const core& c : mips_cores) {
        if (c.imp == imp) {
            return c.name;
        }
    }
    return "unknown";
}

}  // namespace mips
