/* The floor for tsplot's input parser: `epoch,integer` lines read with
 * integer loops and binned (min and max per bucket of 5000 s), as a chart
 * needs them, nothing else. Anything tsplot spends beyond this is the cost
 * of its generality. bench/tsplot-parse.sh builds it with gcc -O2. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void) {
    static char buf[1 << 20];
    size_t cap = 1024, nb = 0;
    int64_t *mn = malloc(cap * sizeof *mn), *mx = malloc(cap * sizeof *mx);
    int64_t t0 = -1, t = 0, v = 0, rows = 0;
    int field = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            char c = buf[i];
            if (c >= '0' && c <= '9') {
                if (field == 0) t = t * 10 + (c - '0');
                else v = v * 10 + (c - '0');
            } else if (c == ',') {
                field = 1;
            } else if (c == '\n') {
                if (t0 < 0) t0 = t;
                size_t b = (size_t)((t - t0) / 5000);
                while (b >= cap) {
                    cap *= 2;
                    mn = realloc(mn, cap * sizeof *mn);
                    mx = realloc(mx, cap * sizeof *mx);
                }
                while (nb <= b) { mn[nb] = INT64_MAX; mx[nb] = INT64_MIN; nb++; }
                if (v < mn[b]) mn[b] = v;
                if (v > mx[b]) mx[b] = v;
                rows++;
                t = v = 0;
                field = 0;
            }
        }
    }
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t b = 0; b < nb; b++) {
        if (mn[b] < lo) lo = mn[b];
        if (mx[b] > hi) hi = mx[b];
    }
    printf("%lld rows, %zu buckets, min %lld max %lld\n", (long long)rows, nb, (long long)lo,
           (long long)hi);
    return 0;
}
