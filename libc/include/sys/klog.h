/* klogctl(): syslog(2), the kernel log buffer (dmesg). */
#pragma once
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_BUFFER 10
#ifdef __cplusplus
extern "C" {
#endif
int klogctl(int type, char* buf, int len);
#ifdef __cplusplus
}
#endif
