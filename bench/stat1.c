/* Floors for counting a process's fds, in C:
 *   stat1 PID      one stat(2) of /proc/PID/fd, whose size is the number of
 *                  open fds on Linux 6.2 and later, printed
 *   stat1 -a PID   the directory read with getdents64 and one fstatat(2)
 *                  per fd (the least work that can tell kinds apart),
 *                  printing the number of regular files
 * bench/fdcount.sh compares `fdcount -p PID` with the first and
 * `fdcount -p PID -k ...` with the second. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char path[64];
    struct stat st;
    int all = argc == 3 && strcmp(argv[1], "-a") == 0;
    if (argc != 2 && !all)
        return 2;
    snprintf(path, sizeof path, "/proc/%s/fd", argv[argc - 1]);
    if (!all) {
        if (stat(path, &st) != 0) {
            perror(path);
            return 1;
        }
        printf("%lld\n", (long long)st.st_size);
        return 0;
    }
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        perror(path);
        return 1;
    }
    static char buf[32768];
    long files = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
        if (n <= 0)
            break;
        for (long at = 0; at < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + at);
            at += d->d_reclen;
            if (d->d_name[0] == '.')
                continue;
            if (fstatat(dir, d->d_name, &st, 0) == 0 && S_ISREG(st.st_mode))
                files++;
        }
    }
    printf("%ld\n", files);
    return 0;
}
