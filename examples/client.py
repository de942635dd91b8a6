#!/usr/bin/env python3
"""A small service that leaks PostgreSQL connections now and then.

It speaks just enough of the PostgreSQL wire protocol (startup, trust
authentication, a simple query, terminate) to need nothing but Python, and
names its process `client` (or --name) so that `fdcount -C client` finds it.

Default mode: handle one "request" every --interval seconds: connect, run a
query, disconnect; every --leak-every-th request takes an error path that
forgets to close its connection. Each leak is logged on stderr with the time
and the PostgreSQL backend pid, so a step found by `tsplot --report` can be
matched with `pg_stat_activity`.

--control mode (for tests): read commands on stdin, answer `ok N` (N = leaked
connections held) after each: `leak` opens a connection and keeps it,
`churn K` opens and closes K connections, `quit` exits.
"""
import argparse, ctypes, socket, struct, sys, time

APP = "leaky-client"


def set_process_name(name):
    try:
        ctypes.CDLL(None).prctl(15, name.encode(), 0, 0, 0)  # PR_SET_NAME
    except (OSError, AttributeError):
        pass


def read_msg(sock):
    head = b""
    while len(head) < 5:
        chunk = sock.recv(5 - len(head))
        if not chunk:
            raise ConnectionError("server closed the connection")
        head += chunk
    kind, size = head[:1], struct.unpack("!i", head[1:])[0]
    body = b""
    while len(body) < size - 4:
        chunk = sock.recv(size - 4 - len(body))
        if not chunk:
            raise ConnectionError("server closed the connection")
        body += chunk
    return kind, body


def until_ready(sock):
    """Reads messages up to ReadyForQuery; returns the backend pid if sent."""
    pid = None
    while True:
        kind, body = read_msg(sock)
        if kind == b"E":
            fields = dict((f[:1], f[1:]) for f in body.split(b"\0") if f)
            raise RuntimeError(fields.get(b"M", body).decode(errors="replace"))
        if kind == b"R" and struct.unpack("!i", body[:4])[0] != 0:
            raise RuntimeError("server wants a password: start it with trust authentication")
        if kind == b"K":
            pid = struct.unpack("!i", body[:4])[0]
        if kind == b"Z":
            return pid


def connect(host, port, user, db):
    sock = socket.create_connection((host, port))
    params = b"".join(k + b"\0" + v + b"\0" for k, v in [
        (b"user", user.encode()), (b"database", db.encode()), (b"application_name", APP.encode())])
    payload = struct.pack("!i", 196608) + params + b"\0"
    sock.sendall(struct.pack("!i", len(payload) + 4) + payload)
    pid = until_ready(sock)
    return sock, pid


def query(sock, sql):
    data = sql.encode() + b"\0"
    sock.sendall(b"Q" + struct.pack("!i", len(data) + 4) + data)
    until_ready(sock)


def close(sock):
    try:
        sock.sendall(b"X" + struct.pack("!i", 4))
    finally:
        sock.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=55432)
    ap.add_argument("--user", default="postgres")
    ap.add_argument("--db", default="postgres")
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between requests")
    ap.add_argument("--leak-every", type=int, default=20, help="every Nth request leaks")
    ap.add_argument("--requests", type=int, default=0, help="stop after N requests (0: never)")
    ap.add_argument("--control", action="store_true", help="take commands on stdin (tests)")
    ap.add_argument("--name", default="client",
                    help="process name, as fdcount -C matches it (at most 15 bytes)")
    a = ap.parse_args()
    set_process_name(a.name)
    leaked = []
    if a.control:
        for line in sys.stdin:
            cmd = line.split()
            if not cmd:
                continue
            if cmd[0] == "leak":
                leaked.append(connect(a.host, a.port, a.user, a.db)[0])
            elif cmd[0] == "churn":
                for _ in range(int(cmd[1])):
                    s, _ = connect(a.host, a.port, a.user, a.db)
                    query(s, "select 1")
                    close(s)
            print(f"ok {len(leaked)}", flush=True)
            if cmd[0] == "quit":
                break
        return
    n = 0
    next_at = time.monotonic()
    while a.requests == 0 or n < a.requests:
        n += 1
        s, pid = connect(a.host, a.port, a.user, a.db)
        query(s, f"select {n} as request")
        if n % a.leak_every == 0:
            leaked.append(s)   # the bug: an error path that never closes
            print(f"{time.strftime('%H:%M:%S')} request {n}: error path, connection to backend "
                  f"pid {pid} left open ({len(leaked)} leaked)", file=sys.stderr, flush=True)
        else:
            close(s)
        next_at += a.interval
        time.sleep(max(0.0, next_at - time.monotonic()))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
    except (OSError, RuntimeError) as e:
        sys.exit(f"client: {e}")
