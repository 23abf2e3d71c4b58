#pragma once

namespace malta {
void uart_init();                 // 38400 8N1, FIFOs on (YAMON's console setting)
void uart_putc(char c);           // polled
void uart_enable_rx_irq();        // received bytes go to console::receive()
}
