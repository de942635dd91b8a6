#!/usr/bin/env python3
"""Hold N open file descriptors and sleep, for fd-counting baselines.
(A copy of the acceptance suite's fixture, so the tests and bench/ need nothing outside this repository.)

usage: fd_holder.py MODE N READYFILE
  MODE plain : N extra fds, all regular files (re-opening a few scratch files)
  MODE mix   : about N extra fds mixing regular files, pipes, unix socketpairs,
               one TCP listener + 200 ESTABLISHED loopback connections (both ends
               held, so 400 fds), bound UDP (v4 + v6), a few unbound TCP/UDP
               sockets, and eventfds.
When everything is open it writes READYFILE (JSON: pid, per-kind counts, the total
number of fds it holds as seen from /proc/self/fd) and sleeps until killed.
"""
import json, os, resource, socket, sys, time

mode, n, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.closerange(3, 65536)     # drop fds leaked in by the launching shell: held = 3 + N
want = n + 64
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < want:
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
    except (ValueError, OSError):
        # raising the hard limit needs CAP_SYS_RESOURCE; use what we have if it is enough
        if hard != resource.RLIM_INFINITY and n + 8 > hard:
            sys.exit(f"cannot hold {n} fds: hard RLIMIT_NOFILE is {hard} and raising "
                     "it is not permitted here (no CAP_SYS_RESOURCE)")
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

scratch = "/tmp/bench-baselines/fdfiles"
os.makedirs(scratch, exist_ok=True)
paths = []
for i in range(16):
    p = f"{scratch}/f{i}"
    if not os.path.exists(p):
        with open(p, "w") as f:
            f.write("x\n")
    paths.append(p)

keep = []          # python objects that must stay alive
kinds = {}


def add(kind, k=1):
    kinds[kind] = kinds.get(kind, 0) + k


def regular(count):
    for i in range(count):
        keep.append(os.open(paths[i % len(paths)], os.O_RDONLY))
        add("regular")


if mode == "plain":
    regular(n)
elif mode == "mix":
    # TCP: one listener + 200 established pairs (client end + accepted end)
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(512)
    keep.append(lst); add("tcp_listen")
    for _ in range(200):
        c = socket.create_connection(lst.getsockname())
        a, _ = lst.accept()
        keep += [c, a]; add("tcp_established", 2)
    # unbound sockets: created, never bound/connected (not in /proc/net/*, not in ss)
    for _ in range(5):
        keep.append(socket.socket(socket.AF_INET, socket.SOCK_STREAM)); add("tcp_unbound")
        keep.append(socket.socket(socket.AF_INET, socket.SOCK_DGRAM)); add("udp_unbound")
    rest = n - sum(kinds.values())
    n_udp = max(2, min(rest // 10, 4000))
    for i in range(n_udp):
        if i % 4 == 3:
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0)); add("udp6_bound")
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); add("udp4_bound")
        keep.append(s)
    rest = n - sum(kinds.values())
    share = max(1, rest // 4)
    for _ in range(share // 2):
        r, w = os.pipe(); keep += [r, w]; add("pipe", 2)
    for _ in range(share // 2):
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM); keep += [a, b]; add("unix", 2)
    for _ in range(share):
        keep.append(os.eventfd(0)); add("eventfd")
    regular(max(0, n - sum(kinds.values())))
else:
    sys.exit("mode must be plain or mix")

held = len(os.listdir("/proc/self/fd")) - 1   # minus the fd listdir itself used
info = {"pid": os.getpid(), "mode": mode, "n": n, "kinds": kinds,
        "extra": sum(kinds.values()), "fds_total": held,
        "inet_fds": sum(v for k, v in kinds.items()
                        if k.startswith(("tcp", "udp")))}
tmp = ready + ".tmp"
with open(tmp, "w") as f:
    json.dump(info, f)
os.rename(tmp, ready)
while True:
    time.sleep(3600)
