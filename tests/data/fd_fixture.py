#!/usr/bin/env python3
"""A process holding a known set of file descriptors, for fdcount's tests.

usage: fd_fixture.py MODE COMM
  MODE full : every kind (see the table in tests/it/fdcount.rs), unbound sockets too
  MODE bound: only bound or connected inet sockets (lsof -i lists them all)
Sets its command name to COMM, prints its pid when everything is open, and
exits when stdin closes (so a test that dies leaves nothing behind).
fd 0 is the stdin pipe, fd 1 the stdout pipe, fd 2 /dev/null.
"""
import os, select, socket, sys, tempfile, threading

mode, comm = sys.argv[1], sys.argv[2]
os.closerange(3, 65536)     # drop whatever the launcher leaked in
with open("/proc/self/comm", "w") as f:
    f.write(comm)
null = os.open("/dev/null", os.O_RDWR)
os.dup2(null, 2)
os.close(null)
keep = []


def tcp_pairs(family, host, n):
    l = socket.socket(family, socket.SOCK_STREAM)
    l.bind((host, 0))
    l.listen(16)
    keep.append(l)
    for _ in range(n):
        c = socket.create_connection(l.getsockname()[:2])
        a, _ = l.accept()
        keep.extend([c, a])


def udp(family, host):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((host, 0))
    keep.append(s)


tcp_pairs(socket.AF_INET, "127.0.0.1", 3)      # tcp4: 1 listen + 6 established
tcp_pairs(socket.AF_INET6, "::1", 1)           # tcp6: 1 listen + 2 established
udp(socket.AF_INET, "127.0.0.1")
udp(socket.AF_INET, "127.0.0.1")               # udp4: 2 bound
udp(socket.AF_INET6, "::1")                    # udp6: 1 bound
if mode == "full":
    d = tempfile.mkdtemp(prefix="fdcount-fixture-")
    for i in range(3):                          # file: 3 regular files
        p = os.path.join(d, f"f{i}")
        with open(p, "w") as f:
            f.write("x")
        keep.append(os.open(p, os.O_RDONLY))
    keep.append(os.open(d, os.O_RDONLY | os.O_DIRECTORY))   # file: a directory
    for _ in range(2):                          # pipe: 2 pipes, both ends
        keep.extend(os.pipe())
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    keep.append(os.open(fifo, os.O_RDWR | os.O_NONBLOCK))   # pipe: a FIFO by path
    keep.extend(socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM))  # unix: 2
    keep.append(socket.socket(socket.AF_INET, socket.SOCK_STREAM))      # tcp4 unbound
    keep.append(socket.socket(socket.AF_INET6, socket.SOCK_STREAM))     # tcp6 unbound
    keep.append(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))       # udp4 unbound
    keep.append(os.eventfd(0))                  # anon
    keep.append(select.epoll())                 # anon
    keep.append(os.open("/dev/null", os.O_RDONLY))                      # other
    keep.append(os.pidfd_open(os.getpid()))     # anon (pidfs, not anon_inodefs)
    us = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    us.bind(os.path.join(d, "sock"))            # unix: a bound one
    keep.append(us)
    keep.append(os.open(os.path.join(d, "sock"), os.O_PATH))            # other: a socket file by path
    # 3 threads besides the main one, blocked until exit.
    stop = threading.Event()
    for _ in range(3):
        threading.Thread(target=stop.wait, daemon=True).start()
elif mode != "bound":
    sys.exit("mode must be full or bound")
print(os.getpid(), flush=True)
sys.stdin.buffer.read()
