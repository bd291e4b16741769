#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ena_hash.py - test oracle: the RX queue an ENA device picks for UDP/IPv4 flows.

Written from AWS's description of the device (amzn-ec2-ena-utilities,
ena-toeplitz): with a key set through the Linux driver, the device runs
Toeplitz over the key read from its last byte to its first, starting from
0xffffffff. Input: source address, destination address, source port,
destination port. The queue is table[hash % 128].

On instance types whose key cannot be changed (ethtool -x shows none), the
device uses its own key as given (Microsoft's RSS key with its 32-bit words
in reverse order), puts the smaller address first and the smaller port
first, starts from 0xffffffff and keeps the low 16 bits of the result,
repeated in the high 16 (same source): pass "fixed" as KEY.

usage: ena_hash.py KEY|fixed TABLE SRC DST DPORT SPORT...
  KEY    aa:bb:... (40 bytes, as ethtool -x prints it)
  TABLE  128 comma-separated queue numbers
prints one queue number per SPORT. `ena_hash.py --self-test` checks the
oracle against the examples AWS's tool prints.
"""
import socket
import struct
import sys


def toeplitz(key: bytes, data: bytes, init: int) -> int:
    result = init
    bits = int.from_bytes(key, "big")
    nbits = len(key) * 8
    for i in range(len(data) * 8):
        if data[i // 8] >> (7 - i % 8) & 1:
            # the 32 key bits starting at bit i, wrapping around the key
            window = 0
            for j in range(32):
                window = window << 1 | (bits >> (nbits - 1 - (i + j) % nbits) & 1)
            result ^= window
    return result & 0xFFFFFFFF


def ena_hash(key: bytes, src: str, dst: str, sport: int, dport: int) -> int:
    data = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack(">HH", sport, dport)
    return toeplitz(key[::-1], data, 0xFFFFFFFF)


FIXED_KEY = bytes.fromhex("beac01fa6a42b73b8030f20c77cb2da3ae7b30b4d0ca2bcb43a38fb04167253d255b0ec26d5a56da")


def ena_hash_fixed(src: str, dst: str, sport: int, dport: int) -> int:
    a, b = sorted([socket.inet_aton(src), socket.inet_aton(dst)])
    p, q = sorted([sport, dport])
    h = toeplitz(FIXED_KEY, a + b + struct.pack(">HH", p, q), 0xFFFFFFFF)
    return (h & 0xFFFF) * 0x10001


def main(argv):
    if argv[1:] == ["--self-test"]:
        key = bytes.fromhex("77d1c934a4c9bd876e35dd17b2e3239e396d8a932a95b4723ab37f568edeb60197af3b2f3a70e704")
        got = ena_hash(key, "1.2.3.4", "1.2.3.5", 7000, 7000)
        textbook = toeplitz(key, socket.inet_aton("1.2.3.4") + socket.inet_aton("1.2.3.5") +
                            struct.pack(">HH", 7000, 7000), 0)
        fixed = ena_hash_fixed("1.2.3.4", "1.2.3.5", 7000, 7000)
        back = ena_hash_fixed("10.0.0.2", "10.0.0.1", 443, 80)
        ok = got == 0x5B5EB8E5 and got % 128 == 101 and textbook == 0xA9828BD4
        ok = ok and fixed == 0x50705070 and back == 0x8BD78BD7
        print(f"ena 0x{got:08x} textbook 0x{textbook:08x} fixed 0x{fixed:08x} 0x{back:08x}: "
              f"{'ok' if ok else 'WRONG'}")
        return 0 if ok else 1
    if argv[1] == "fixed":
        table = [int(q) for q in argv[2].split(",")]
        src, dst, dport = argv[3], argv[4], int(argv[5])
        for sport in argv[6:]:
            print(table[ena_hash_fixed(src, dst, int(sport), dport) % 128])
        return 0
    key = bytes.fromhex(argv[1].replace(":", ""))
    table = [int(q) for q in argv[2].split(",")]
    if len(key) != 40 or len(table) != 128:
        print("need a 40-byte key and a 128-entry table", file=sys.stderr)
        return 2
    src, dst, dport = argv[3], argv[4], int(argv[5])
    for sport in argv[6:]:
        print(table[ena_hash(key, src, dst, int(sport), dport) % 128])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
