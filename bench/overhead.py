#!/usr/bin/env python3
"""What watching costs the watched process.

A loopback TCP echo server (one process, many connections, epoll) is driven
at full speed by a load generator in another process. We count round trips
per second with no watcher, then with `fdcount -p SERVER -k all,tcp -i 0.1`
sampling it, and with the seed's `lsof -i -a -p SERVER | wc -l` in a shell
loop at the same 0.1 s interval, alternating the three for several rounds so
drift in the machine's speed hits all alike, and report the medians and the
cost of each watcher in percent of the unwatched throughput.

usage: overhead.py FDCOUNT [SECONDS_PER_ROUND] [ROUNDS]
prints one line per watcher: `overhead: WATCHER none=N rt/s watched=M rt/s cost=P%`
"""
import os, selectors, shutil, signal, socket, statistics, subprocess, sys, time

CONNS = 32


def server(lst):
    sel = selectors.DefaultSelector()
    lst.setblocking(False)
    sel.register(lst, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is lst:
                c, _ = lst.accept()
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ)
            else:
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:   # the load generator closed with data in flight
                    data = b""
                if not data:
                    sel.unregister(s)
                    s.close()
                else:
                    try:
                        s.sendall(data)
                    except OSError:
                        sel.unregister(s)
                        s.close()


def load(addr, seconds):
    """Round trips per second over CONNS connections, one message in flight each."""
    sel = selectors.DefaultSelector()
    conns = []
    for _ in range(CONNS):
        c = socket.create_connection(addr)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c.setblocking(False)
        sel.register(c, selectors.EVENT_READ)
        conns.append(c)
    msg = b"x" * 64
    for c in conns:
        c.send(msg)
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, _ in sel.select(0.5):
            if key.fileobj.recv(4096):
                n += 1
                key.fileobj.send(msg)
    for c in conns:
        c.close()
    return n / seconds


def main():
    fdcount = sys.argv[1]
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 5
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(256)
    pid = os.fork()
    if pid == 0:
        server(lst)
        os._exit(0)
    addr = lst.getsockname()
    lst.close()
    watchers = {
        "fdcount -k all,tcp -i 0.1": [fdcount, "-p", str(pid), "-k", "all,tcp", "-i", "0.1"],
        "lsof -i -a -p | wc -l every 0.1 s": [
            "sh", "-c", f"while :; do lsof -i -a -p {pid} | wc -l >/dev/null; sleep 0.1; done"],
    }
    if not shutil.which("lsof"):
        del watchers["lsof -i -a -p | wc -l every 0.1 s"]
    none = []
    watched = {k: [] for k in watchers}
    try:
        load(addr, 1)  # warm up
        for _ in range(rounds):
            none.append(load(addr, secs))
            for name, cmd in watchers.items():
                w = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, start_new_session=True)
                time.sleep(0.2)
                watched[name].append(load(addr, secs))
                os.killpg(w.pid, signal.SIGTERM)
                w.wait()
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    a = statistics.median(none)
    for name, xs in watched.items():
        b = statistics.median(xs)
        print(f"overhead: {name}: none={a:.0f} rt/s watched={b:.0f} rt/s cost={(a - b) / a * 100:+.2f}%")


if __name__ == "__main__":
    main()
