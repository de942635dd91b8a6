"""The seed's log, as `epoch,count` CSV: a sample every 5 s, a leaked
connection every 500 samples, integer noise 0..2, and a spike now and then.
bench/tsplot.sh charts it and bench/report.sh reports on it (the same
numbers as examples/report-bench's `log` kind).

    python3 bench/log.py N PATH     writes N rows to PATH (unless it exists)
"""
import os
import sys


def write(n, path):
    if os.path.exists(path):
        return path
    with open(path + ".tmp", "w") as f:
        t0, x = 1764000000, 12345
        buf = []
        for i in range(n):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
            v = 10 + i // 500 + (x >> 16) % 3 + (40 if i % 99_991 == 7 else 0)
            buf.append(f"{t0 + 5 * i},{v}\n")
            if len(buf) == 100_000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))
    os.rename(path + ".tmp", path)
    return path


if __name__ == "__main__":
    write(int(sys.argv[1]), sys.argv[2])
