// What af_packet.cpp shares with the rest of the stack and the tests.
#pragma once
#include "net/core/netdevice.h"
#include "net/socket.h"

int packet_create(socket* sock, int protocol, int kern);
int packet_rcv(sk_buff* skb, net_device* dev, packet_type* pt, net_device* orig_dev);
int packet_rcv_spkt(sk_buff* skb, net_device* dev, packet_type* pt, net_device* orig_dev);
// Set by PF_INET (inet_ioctl): the IPv4 address, route and ARP ioctls
// answered on packet sockets too, as Linux's packet_ioctl does.
extern int (*packet_inet_ioctl)(socket* sock, unsigned cmd, unsigned long arg);
