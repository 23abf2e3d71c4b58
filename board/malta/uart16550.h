#pragma once

namespace malta {
void uart_init(unsigned baud);     // 8N1, FIFOs on
void uart_putc(char c);           // polled
void uart_enable_rx_irq();        // received bytes go to console::receive()
}
