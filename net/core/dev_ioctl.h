// Interface ioctls on any socket (Linux's net/core/dev_ioctl.c): by name
// in struct ifreq, copied in and out by the socket layer.
#pragma once
#include "net/socket_uapi.h"

// 0 or -errno (ENODEV: no such interface, ENOTTY: not an interface
// ioctl, EPERM: needs CAP_NET_ADMIN). *need_copyout says whether ifr
// carries an answer back.
int dev_ioctl(unsigned cmd, ifreq* ifr, bool* need_copyout);

// SIOCGIFCONF: a family fills in one ifreq per address of dev into buf
// (len bytes, nullptr: just count); returns the bytes it used (Linux's
// register_gifconf, as 2.6 had it). PF_INET registers inet_gifconf.
struct net_device;
using gifconf_func_t = int (*)(net_device* dev, char* buf, int len);
void register_gifconf(int family, gifconf_func_t gifconf);
// Fills the user's struct ifconf: 0 or -errno.
int dev_ifconf(ifconf* uifc);
