#!/usr/bin/env python3
"""A process holding sockets and files to narrow on, for fdcount's tests of
tcp:PORT, tcp@ADDR, udp:PORT, file:GLOB and --top.

usage: narrow_fixture.py DIR
Holds: a listener A on 127.0.0.1 with 5 connections to it (both ends), a
listener B on 127.0.0.1 and ::1 (same port) with 3 IPv4 and 2 IPv6
connections, a connection to B through an IPv4-mapped address on a dual
stack socket, a UDP socket bound to a known port and one connected to it,
4 files under DIR/logs, 2 under DIR/spool, and a deleted file under
DIR/spool. Prints one JSON line (pid, ports, DIR) when everything is open.
Reads commands on stdin: "grow N" opens N more connections to A and
answers "ok"; EOF ends it (so a test that dies leaves nothing behind).
"""
import json, os, socket, sys

root = sys.argv[1]
os.closerange(3, 65536)
keep = []


def listener(family, host, port=0):
    l = socket.socket(family, socket.SOCK_STREAM)
    if family == socket.AF_INET6:
        l.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    l.bind((host, port))
    l.listen(128)
    keep.append(l)
    return l


def connect(l, addr, family=None):
    c = socket.socket(family or l.family, socket.SOCK_STREAM)
    c.connect(addr)
    a, _ = l.accept()
    keep.extend([c, a])


a = listener(socket.AF_INET, "127.0.0.1")
A = a.getsockname()[1]
for _ in range(100):
    try:
        b = listener(socket.AF_INET, "127.0.0.1")
        B = b.getsockname()[1]
        b6 = listener(socket.AF_INET6, "::1", B)
        break
    except OSError:
        keep.remove(b)
        b.close()
for _ in range(5):
    connect(a, ("127.0.0.1", A))
for _ in range(3):
    connect(b, ("127.0.0.1", B))
for _ in range(2):
    connect(b6, ("::1", B))
# A dual-stack client reaching B at ::ffff:127.0.0.1: its peer is v4-mapped.
m = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
m.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
m.connect(("::ffff:127.0.0.1", B))
acc, _ = b.accept()
keep.extend([m, acc])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
U = u.getsockname()[1]
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
uc.connect(("127.0.0.1", U))
keep.extend([u, uc])
for d in ("logs", "spool"):
    os.makedirs(f"{root}/{d}", exist_ok=True)
for name in ("logs/a.log", "logs/b.log", "logs/c.log", "logs/d.log", "spool/x.tmp", "spool/y.tmp"):
    with open(f"{root}/{name}", "a") as f:
        f.write("x\n")
    keep.append(os.open(f"{root}/{name}", os.O_RDONLY))
gone = f"{root}/spool/gone.tmp"
keep.append(os.open(gone, os.O_RDWR | os.O_CREAT, 0o600))
os.unlink(gone)
print(json.dumps({"pid": os.getpid(), "A": A, "B": B, "U": U, "root": root}), flush=True)
for line in sys.stdin:
    w = line.split()
    if w and w[0] == "grow":
        for _ in range(int(w[1])):
            connect(a, ("127.0.0.1", A))
        print("ok", flush=True)
