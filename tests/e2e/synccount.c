/*
 * synccount.c - preloaded into renbin by test_e2e_syncs (LD_PRELOAD): every
 * fsync and fdatasync the process makes appends its name and a newline to
 * the file $RENBIN_TEST_SYNC_LOG, then does what it was asked. SQLite's unix
 * VFS syncs through these two calls, its WAL and the folder holding it alike.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

/* Appends what to the log, when one is named. */
static void note(const char *what)
{
        const char *path = getenv("RENBIN_TEST_SYNC_LOG");
        int fd;

        if (path == NULL || (fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0)
                return;
        if (write(fd, what, strlen(what)) < 0)
                abort(); /* a count that may be short would let the test pass wrongly */
        close(fd);
}

/* The libc function name, found past this library. */
static int (*next(const char *name))(int)
{
        int (*f)(int);
        void *p = dlsym(RTLD_NEXT, name);

        memcpy(&f, &p, sizeof(f));
        if (f == NULL)
                abort();
        return f;
}

int fsync(int fd)
{
        static int (*real)(int);

        if (real == NULL)
                real = next("fsync");
        note("fsync\n");
        return real(fd);
}

int fdatasync(int fd)
{
        static int (*real)(int);

        if (real == NULL)
                real = next("fdatasync");
        note("fdatasync\n");
        return real(fd);
}
