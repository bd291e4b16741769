#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""rxfh_set.py - ETHTOOL_SRSSH straight to the driver, as a tool other than ethtool(8) may send it.

usage: rxfh_set.py IFNAME HFUNC
  HFUNC  toeplitz | xor | crc32: the function to ask for, the table and key unchanged.
Prints "ok" or the error the driver answered (strerror), exits 0 either way.
"""
import ctypes
import fcntl
import os
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
ETHTOOL_SRSSH = 0x47
ETH_RXFH_INDIR_NO_CHANGE = 0xFFFFFFFF
HFUNCS = {"toeplitz": 1 << 0, "xor": 1 << 1, "crc32": 1 << 2}


def main(argv):
    if len(argv) != 3 or argv[2] not in HFUNCS:
        print(__doc__, file=sys.stderr)
        return 2
    # struct ethtool_rxfh: cmd, rss_context, indir_size, key_size, hfunc, rsvd8[3], rsvd32
    rxfh = ctypes.create_string_buffer(struct.pack("=IIIIB3xI", ETHTOOL_SRSSH, 0,
                                                   ETH_RXFH_INDIR_NO_CHANGE, 0, HFUNCS[argv[2]], 0))
    ifr = struct.pack("16sP", argv[1].encode(), ctypes.addressof(rxfh)) + bytes(16)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)
            print("ok")
        except OSError as e:
            print(os.strerror(e.errno))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
