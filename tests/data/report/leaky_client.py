#!/usr/bin/env python3
"""The client whose connections real-pool-bursts-restart.csv records.

    python3 leaky_client.py serve PORT           # the server it talks to
    leakyapp leaky_client.py client PORT SEED SECS LOG [RATE]

The client keeps 3 idle connections, opens short transactions at RATE per
second (Poisson, held 0.05 to 0.4 s), now and then a burst of 6 to 20
connections held 0.8 to 4 s, and leaks one connection every 5 to 12 s; it
logs each leak and burst with its time. Run it as a copy of python3 named
leakyapp so that `fdcount -C leakyapp` counts it alone:
record-leaky-client.sh beside it does all of that and records a trace.
"""
import math, random, socket, sys, time


def serve(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(512)
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)


def client(port, seed, secs, log, rate):
    rng = random.Random(seed)
    conn = lambda: socket.create_connection(("127.0.0.1", port))
    idle = [conn() for _ in range(3)]
    leaked, live = [], []
    t0 = time.time()
    next_leak, burst_end = t0 + rng.uniform(5, 12), 0
    with open(log, "a") as f:
        while time.time() - t0 < secs:
            now = time.time()
            k, p, q = 0, math.exp(-rate * 0.2), rng.random()
            while q > p:
                k += 1
                q *= rng.random()
            live += [(now + rng.uniform(0.05, 0.4), conn()) for _ in range(k)]
            if now > burst_end and rng.random() < 0.004:
                n, burst_end = rng.randint(6, 20), now + rng.uniform(0.8, 4)
                live += [(burst_end, conn()) for _ in range(n)]
                f.write(f"burst {now:.3f} {burst_end:.3f} {n}\n")
            if now >= next_leak:
                leaked.append(conn())
                f.write(f"leak {time.time():.3f} {len(leaked)}\n")
                next_leak = now + rng.uniform(5, 12)
            for end, s in [x for x in live if x[0] <= now]:
                s.close()
            live = [x for x in live if x[0] > now]
            time.sleep(0.05)
    del idle


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    else:
        client(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5],
               float(sys.argv[6]) if len(sys.argv) > 6 else 1.0)
