"""The boot loaders' images tools/bootimages.sh writes next to kernel.elf:
kernel.srec (YAMON's load) must hold the ELF's loaded bytes at its load
address and the ELF's entry point in the S7 record; kernel.uImage (U-Boot's
bootm) must carry the same load address and entry, a header and data CRC
that mkimage itself verifies, and kernel.bin as its payload. QEMU's Malta
takes only the ELF, so the images are checked by reading them back."""
import re
import shutil
import struct
import subprocess
import zlib

import pytest

from qemu import KERNEL

BASE = KERNEL[:-len(".elf")]


def elf_facts():
    with open(KERNEL, "rb") as f:
        data = f.read()
    assert data[:4] == b"\x7fELF" and data[4] == 1   # ELF32
    endian = "<" if data[5] == 1 else ">"
    (entry, phoff) = struct.unpack_from(endian + "II", data, 24)
    phentsize, phnum = struct.unpack_from(endian + "HH", data, 42)
    loads = []
    for i in range(phnum):
        p_type, p_offset, p_vaddr, _, p_filesz, _, _, _ = struct.unpack_from(endian + "8I", data, phoff + i * phentsize)
        if p_type == 1:
            loads.append((p_vaddr, data[p_offset:p_offset + p_filesz]))
    assert len(loads) == 1, loads
    return entry, loads[0][0], loads[0][1]


def srec_image(path):
    """Bytes by address from S1/S2/S3 records, and the S7/S8/S9 entry;
    every record's checksum verified."""
    mem, entry = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            assert line[0] == "S", line
            kind, raw = line[1], bytes.fromhex(line[2:])
            assert raw[0] == len(raw) - 1, line
            assert (sum(raw[:-1]) + raw[-1]) & 0xff == 0xff, f"bad checksum: {line}"
            alen = {"1": 2, "2": 3, "3": 4, "7": 4, "8": 3, "9": 2}.get(kind)
            if alen is None:
                continue   # S0 header, S5 count
            addr = int.from_bytes(raw[1:1 + alen], "big")
            if kind in "123":
                for i, b in enumerate(raw[1 + alen:-1]):
                    mem[addr + i] = b
            else:
                entry = addr
    return mem, entry


def test_srec_holds_the_loaded_bytes_and_the_entry():
    entry, load, payload = elf_facts()
    mem, srec_entry = srec_image(BASE + ".srec")
    assert srec_entry == entry
    assert min(mem) == load and max(mem) == load + len(payload) - 1
    # Alignment padding between sections has no records: zeros in the ELF.
    gaps = [i for i in range(len(payload)) if load + i not in mem]
    assert len(gaps) < 256 and all(payload[i] == 0 for i in gaps), gaps[:20]
    assert bytes(mem.get(load + i, 0) for i in range(len(payload))) == payload


def test_bin_is_the_loaded_bytes():
    _, _, payload = elf_facts()
    with open(BASE + ".bin", "rb") as f:
        assert f.read() == payload


@pytest.mark.skipif(not shutil.which("mkimage"), reason="mkimage (u-boot-tools) not installed")
def test_uimage_header_and_payload():
    entry, load, payload = elf_facts()
    with open(BASE + ".uImage", "rb") as f:
        img = f.read()
    # include/image.h: the 64-byte legacy header, big-endian.
    magic, hcrc, _, size, ih_load, ih_ep, dcrc, ih_os, ih_arch, ih_type, ih_comp = \
        struct.unpack_from(">7I4B", img, 0)
    assert magic == 0x27051956
    assert (ih_load, ih_ep, size) == (load, entry, len(payload))
    assert (ih_os, ih_arch, ih_type, ih_comp) == (5, 5, 2, 0)   # Linux, MIPS, kernel, none
    assert img[64:] == payload and zlib.crc32(payload) == dcrc
    header = bytearray(img[:64])
    header[4:8] = b"\0\0\0\0"
    assert zlib.crc32(bytes(header)) == hcrc
    out = subprocess.run(["mkimage", "-l", BASE + ".uImage"], capture_output=True, text=True, check=True).stdout
    assert re.search(rf"Load Address:\s+{load:08x}", out) and re.search(rf"Entry Point:\s+{entry:08x}", out), out
