/* sysinfo(2), Linux's 32-bit struct sysinfo. */
#pragma once
#ifdef __cplusplus
extern "C" {
#endif
struct sysinfo {
    long uptime;
    unsigned long loads[3];
    unsigned long totalram;
    unsigned long freeram;
    unsigned long sharedram;
    unsigned long bufferram;
    unsigned long totalswap;
    unsigned long freeswap;
    unsigned short procs;
    unsigned short pad;
    unsigned long totalhigh;
    unsigned long freehigh;
    unsigned int mem_unit;
    char _f[8];
};
int sysinfo(struct sysinfo* info);
#ifdef __cplusplus
}
#endif
