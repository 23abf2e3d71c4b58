// The routing netlink mutex (Linux's net/core/rtnetlink.c): one sleeping
// lock over every device and address configuration change, so that two
// threads bringing interfaces up and down, changing MTUs, addresses and
// routes see each other's changes whole. Only process context takes it:
// never an interrupt handler or a softirq (the receive path reads the
// configuration under local_bh_disable(), which the writers also take).
//
// Who takes it: the ioctls (dev_ioctl's SIOCSIF*, devinet_ioctl,
// ip_rt_ioctl, arp_ioctl's set/delete), register_netdev()/
// unregister_netdev(), register_netdevice_notifier(); what expects it held
// (ASSERT_RTNL): dev_open, dev_close, dev_change_flags, dev_set_mtu,
// register_netdevice, unregister_netdevice, inet_ifa_add/inet_ifa_del.
#pragma once

struct task_struct;

void rtnl_lock();
void rtnl_unlock();
bool rtnl_trylock();                // true when taken
bool rtnl_is_locked();              // by anyone
bool lockdep_rtnl_is_held();        // by the calling thread

// Linux's ASSERT_RTNL(): reports (file and line of the caller) a
// configuration change made without the lock and counts it; the change
// still goes ahead, as in Linux. true when the lock is held.
bool ASSERT_RTNL(const char* file = __builtin_FILE(), int line = __builtin_LINE());
unsigned long rtnl_assert_failures();   // reports so far (tests, dmesg readers)

// RAII holder, for a scope of configuration changes.
class rtnl_guard {
public:
    rtnl_guard() { rtnl_lock(); }
    ~rtnl_guard() { rtnl_unlock(); }
    rtnl_guard(const rtnl_guard&) = delete;
    rtnl_guard& operator=(const rtnl_guard&) = delete;
};
