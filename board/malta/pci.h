// PCI interrupt routing on the Malta: the PIIX4's PIRQ steering and the
// i8259s' trigger mode, and the slot/pin wiring of the board.
#pragma once

namespace malta {
void pci_route_irqs();                        // PIRQ A-D to IRQ 10/11, level mode
int pci_slot_irq(unsigned dev, unsigned pin); // ISA IRQ for INTA..D (1..4), -1 if none
}
