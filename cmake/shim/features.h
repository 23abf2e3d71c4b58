#pragma once
// libstdc++ for mipsel-linux-gnu is configured for glibc; its os_defines.h
// asks for <features.h>. newlib keeps the same facts in <sys/features.h>.
#include <sys/features.h>
#define __GLIBC_PREREQ(maj, min) 0
