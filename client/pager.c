/*
 * pager.c - the pager for output longer than the screen: a child reading a
 * pipe that becomes our stdout, waited for when renbin exits.
 */
#include "pager.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t pager_pid = -1;

size_t pager_rows(void)
{
        struct winsize ws;
        const char *env = getenv("LINES");
        long n;

        if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
                return ws.ws_row;
        if (env != NULL && (n = strtol(env, NULL, 10)) > 0)
                return (size_t)n;
        return 24;
}

/* At exit: ends our stdout so the pager sees the end, and waits for it. */
static void pager_wait(void)
{
        int st;

        fflush(stdout);
        close(STDOUT_FILENO);
        while (waitpid(pager_pid, &st, 0) < 0 && errno == EINTR)
                ;
}

/* In the child: the pager on the pipe's read end; reports an exec failure
 * through the close-on-exec pipe err. */
static void pager_exec(int in, int err, const char *cmd)
{
        int e;

        dup2(in, STDIN_FILENO);
        close(in);
        if (cmd != NULL) {
                execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        } else {
                setenv("LESS", "FRX", 0);
                execlp("less", "less", "-FRX", (char *)NULL);
        }
        e = errno;
        if (write(err, &e, sizeof(e)) < 0)
                _exit(127);
        _exit(127);
}

/* Starts cmd (NULL: less -FRX) on a pipe that becomes stdout; -1 if it
 * cannot be started. */
static int spawn(const char *cmd)
{
        int data[2], err[2], e;
        pid_t pid;

        if (pipe(data) != 0)
                return -1;
        if (pipe(err) != 0 || fcntl(err[1], F_SETFD, FD_CLOEXEC) != 0) {
                close(data[0]);
                close(data[1]);
                return -1;
        }
        fflush(stdout);
        if ((pid = fork()) == 0) {
                close(data[1]);
                close(err[0]);
                pager_exec(data[0], err[1], cmd);
        }
        close(data[0]);
        close(err[1]);
        if (pid < 0 || read(err[0], &e, sizeof(e)) > 0) {
                close(err[0]);
                close(data[1]);
                if (pid > 0)
                        waitpid(pid, NULL, 0);
                return -1;
        }
        close(err[0]);
        dup2(data[1], STDOUT_FILENO);
        close(data[1]);
        pager_pid = pid;
        return 0;
}

void pager_start(const struct cli *cli)
{
        const char *cmd = getenv("PAGER");

        if (pager_pid > 0 || cli->nopager || cli->json || cli->csv || !isatty(STDOUT_FILENO))
                return;
        if (cmd != NULL && (cmd[0] == '\0' || strcmp(cmd, "cat") == 0))
                return;
        if (spawn(cmd) == 0)
                atexit(pager_wait);
}
