#pragma once

namespace malta {
void i8259_init();              // both controllers, all lines masked but the cascade
void i8259_dispatch();          // the IP2 handler: which line, then its handler
}
