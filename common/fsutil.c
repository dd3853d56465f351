/*
 * fsutil.c - file-system helpers used by both programs.
 */
#include "fsutil.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_mkdirs(const char *dir, unsigned mode, struct rb_err *e)
{
        char tmp[4096];
        size_t n = strlen(dir);

        if (n == 0 || n >= sizeof(tmp))
                return err_set(e, RB_INVALID, "path", _("bad folder name '%s'"), dir);
        memcpy(tmp, dir, n + 1);
        for (char *p = tmp + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(tmp, mode) != 0 && errno != EEXIST)
                        return err_set(e, RB_PRECONDITION, "path", _("cannot create %s: %s"), tmp,
                                       strerror(errno));
                *p = '/';
        }
        if (mkdir(tmp, mode) != 0 && errno != EEXIST)
                return err_set(e, RB_PRECONDITION, "path", _("cannot create %s: %s"), tmp,
                               strerror(errno));
        return 0;
}

int fs_join(char *buf, size_t len, const char *dir, const char *name)
{
        int n = snprintf(buf, len, "%s/%s", dir, name);
        return n < 0 || (size_t)n >= len ? -1 : 0;
}

int fs_exists(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0;
}

char *fs_read(const char *path, size_t *len, struct rb_err *e)
{
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t cap = 0, n = 0, k;

        if (f == NULL) {
                err_set(e, RB_NOT_FOUND, "file", _("cannot open %s: %s"), path, strerror(errno));
                return NULL;
        }
        do {
                if (cap - n < 4096) {
                        char *nb = realloc(buf, cap = cap * 2 + 8192);
                        if (nb == NULL) {
                                free(buf);
                                fclose(f);
                                err_set(e, RB_EXHAUSTED, "file", _("out of memory"));
                                return NULL;
                        }
                        buf = nb;
                }
                k = fread(buf + n, 1, cap - n - 1, f);
                n += k;
        } while (k > 0);
        fclose(f);
        buf[n] = '\0';
        if (len)
                *len = n;
        return buf;
}

int fs_copy(const char *src, const char *dst, unsigned mode, struct rb_err *e)
{
        char tmp[4096];
        size_t n;
        char *data = fs_read(src, &n, e);
        int fd, rc = -1;

        if (data == NULL)
                return -1;
        if (snprintf(tmp, sizeof(tmp), "%s.tmp", dst) >= (int)sizeof(tmp)) {
                err_set(e, RB_INVALID, "path", _("path too long: %s"), dst);
                goto out;
        }
        if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)) < 0) {
                err_set(e, RB_PRECONDITION, "path", _("cannot write %s: %s"), tmp, strerror(errno));
                goto out;
        }
        if (fchmod(fd, mode) != 0 || write(fd, data, n) != (ssize_t)n || fsync(fd) != 0) {
                err_set(e, RB_PRECONDITION, "path", _("cannot write %s: %s"), tmp, strerror(errno));
                close(fd);
                unlink(tmp);
                goto out;
        }
        close(fd);
        if (rename(tmp, dst) != 0) {
                err_set(e, RB_PRECONDITION, "path", _("cannot write %s: %s"), dst, strerror(errno));
                unlink(tmp);
                goto out;
        }
        rc = 0;
out:
        free(data);
        return rc;
}
