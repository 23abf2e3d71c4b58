// MIPS UHI semihosting (MD01069 "Unified Hosting Interface"): operation in
// $t9 (r25), arguments in $a0.., then "sdbbp 1". QEMU answers it when started
// with -semihosting; on a board without a debug probe it must not be used.
#include "kernel/arch/mips/semihosting.h"

namespace mips {

void uhi_exit(int status) {
    register long op asm("$25") = 1;  // UHI_exit
    register long a0 asm("$4") = status;
    asm volatile("sdbbp 1" : : "r"(op), "r"(a0) : "memory");
}

}  // namespace mips
