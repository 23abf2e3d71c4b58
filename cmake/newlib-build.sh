#!/bin/sh
# Configure, build and install newlib 3.3.0 (Debian's newlib-source) for the
# freestanding MIPS target, either byte order (TARGET mipsel-elf with -EL in
# the flags, mips-elf with -EB). Called by the ExternalProject in cmake/newlib.cmake.
# usage: newlib-build.sh SRC_TARBALL WORK_DIR INSTALL_DIR "TARGET_CFLAGS" [TARGET]
set -eu
tarball=$1 work=$2 prefix=$3 cflags=$4 target=${5:-mipsel-elf}
mkdir -p "$work"
cd "$work"
[ -d newlib-salsa ] || tar xf "$tarball"
mkdir -p build && cd build
gccinc=$(mipsel-linux-gnu-gcc -print-file-name=include)
tflags="$cflags -nostdinc -isystem $gccinc"
if [ ! -f Makefile ]; then
  ../newlib-salsa/configure --target="$target" --prefix="$prefix" \
    --disable-multilib --disable-newlib-supplied-syscalls \
    --enable-newlib-io-c99-formats --enable-newlib-io-long-long \
    --enable-newlib-reent-small --enable-newlib-nano-malloc \
    --enable-newlib-global-atexit --disable-nls \
    CC_FOR_TARGET="mipsel-linux-gnu-gcc $tflags" \
    CXX_FOR_TARGET="mipsel-linux-gnu-g++ $tflags" \
    AR_FOR_TARGET=mipsel-linux-gnu-ar AS_FOR_TARGET=mipsel-linux-gnu-as \
    LD_FOR_TARGET=mipsel-linux-gnu-ld NM_FOR_TARGET=mipsel-linux-gnu-nm \
    RANLIB_FOR_TARGET=mipsel-linux-gnu-ranlib \
    OBJDUMP_FOR_TARGET=mipsel-linux-gnu-objdump \
    STRIP_FOR_TARGET=mipsel-linux-gnu-strip \
    CFLAGS_FOR_TARGET="-O2 -g $tflags" >configure.log 2>&1 || { tail -40 configure.log; exit 1; }
fi
make -j"$(nproc)" all-target-newlib >make.log 2>&1 || { tail -60 make.log; exit 1; }
make install-target-newlib >install.log 2>&1 || { tail -40 install.log; exit 1; }
