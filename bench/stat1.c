/* The floor for counting a process's fds: one stat(2) of /proc/PID/fd,
 * whose size is the number of open fds on Linux 6.2 and later, printed.
 * bench/fdcount.sh compares `fdcount -p PID` with it. */
#include <stdio.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    char path[64];
    struct stat st;
    if (argc != 2)
        return 2;
    snprintf(path, sizeof path, "/proc/%s/fd", argv[1]);
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    printf("%lld\n", (long long)st.st_size);
    return 0;
}
