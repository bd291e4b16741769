#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""udp_rtt.py - round trips of UDP flows, each from a source port of its own.

  udp_rtt.py server PORT
      echoes every datagram back to its sender, until killed.
  udp_rtt.py client ADDR PORT FLOWS PROBES [BASE]
      flow i sends from source port BASE + i (20000) PROBES datagrams, one at a
      time, each after the previous answer (or 1 s without one: lost); prints a
      line per flow: "PORT RTT_MS RTT_MS ..." (milliseconds, 3 decimals; "lost"
      for a probe without an answer).

A flow is EC2's 5-tuple: a fixed source port keeps every probe of a flow on
the flow's path, and its answers on the reverse flow's.
"""
import socket
import sys
import time


def server(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", port))
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(data, peer)


def client(addr, port, flows, probes, base):
    for i in range(flows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("", base + i))
        s.settimeout(1.0)
        rtts = []
        for n in range(probes):
            msg = b"%d %d" % (i, n)
            start = time.monotonic()
            s.sendto(msg, (addr, port))
            try:
                while s.recv(2048) != msg:
                    pass    # a late answer to an earlier probe
                rtts.append("%.3f" % ((time.monotonic() - start) * 1000))
            except socket.timeout:
                rtts.append("lost")
        s.close()
        print(base + i, " ".join(rtts), flush=True)


def main(argv):
    if len(argv) == 3 and argv[1] == "server":
        server(int(argv[2]))
    elif len(argv) in (6, 7) and argv[1] == "client":
        client(argv[2], int(argv[3]), int(argv[4]), int(argv[5]),
               int(argv[6]) if len(argv) == 7 else 20000)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
