#pragma once

namespace mips {
// Ends the QEMU run with this exit status (returns only without semihosting).
void uhi_exit(int status);
}
