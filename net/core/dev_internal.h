// What the parts of the net core (dev.cpp, dev_rx.cpp, dev_tx.cpp) share
// and nobody else needs.
#pragma once
#include "net/core/netdevice.h"

namespace netcore {

void reset_devices();
void reset_packet_types();
void softnet_init();
// Drops every frame on the receive backlog that came from dev (unregister).
void flush_backlog(net_device* dev);
// Drops what waits in dev's transmit queue and takes it off the output queue.
void qdisc_reset(net_device* dev);
// Shows an outgoing frame to the taps (a clone, PACKET_OUTGOING), once.
void dev_queue_xmit_nit(sk_buff* skb, net_device* dev);
bool taps_present();

}  // namespace netcore
