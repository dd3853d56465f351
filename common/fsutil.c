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
#include <sys/random.h>
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
        size_t n;
        char *data = fs_read(src, &n, e);
        int rc;

        if (data == NULL)
                return -1;
        rc = fs_write_file(dst, data, n, mode, e);
        free(data);
        return rc;
}

/* The status code for a failed write's errno: no room is RESOURCE_EXHAUSTED. */
static int write_code(int err)
{
        return err == ENOSPC || err == EDQUOT || err == EFBIG ? RB_EXHAUSTED : RB_PRECONDITION;
}

/* Fails e for a write of path that ended in errno err. */
static int write_fail(const char *path, int err, struct rb_err *e)
{
        if (write_code(err) == RB_EXHAUSTED)
                return err_set(e, RB_EXHAUSTED, "path",
                               _("cannot write %s: %s (the disk is full; free some space and "
                                 "try again)"),
                               path, strerror(err));
        return err_set(e, RB_PRECONDITION, "path", _("cannot write %s: %s"), path, strerror(err));
}

/* Refuses a target that exists as anything but a regular file (stat follows a
 * symbolic link, so a link to a device or folder is refused too); with
 * noreplace, one that exists at all. */
static int target_check(const char *path, int noreplace, struct rb_err *e)
{
        struct stat st;

        if (stat(path, &st) != 0) {
                if (errno == ENOENT)
                        return 0;
                return err_set(e, RB_PRECONDITION, "path", _("cannot write %s: %s"), path,
                               strerror(errno));
        }
        if (!S_ISREG(st.st_mode))
                return err_set(e, RB_INVALID, "path",
                               _("%s exists and is not a regular file (a device, folder or pipe); "
                                 "it is left alone: name a file to write"),
                               path);
        if (noreplace)
                return err_set(e, RB_EXISTS, "path", _("%s exists; choose a new file"), path);
        return 0;
}

/* Creates o->tmp beside o->path under a random name: the fd, or -1 with errno. */
static int tmp_create(struct fs_out *o, unsigned mode)
{
        const char *slash = strrchr(o->path, '/');
        int dirlen = slash == NULL ? 1 : (int)(slash - o->path) + (slash == o->path);
        const char *dir = slash == NULL ? "." : o->path;
        unsigned char rnd[6];

        for (int tries = 0; tries < 64; tries++) {
                if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
                        return -1;
                if (snprintf(o->tmp, sizeof(o->tmp), "%.*s/.renbin-%02x%02x%02x%02x%02x%02x.tmp",
                             dirlen, dir, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
                             rnd[5]) >= (int)sizeof(o->tmp)) {
                        errno = ENAMETOOLONG;
                        return -1;
                }
                int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
                if (fd >= 0 || errno != EEXIST)
                        return fd;
        }
        return -1;
}

int fs_out_open(struct fs_out *o, const char *path, unsigned mode, int flags, struct rb_err *e)
{
        int fd;

        memset(o, 0, sizeof(*o));
        o->noreplace = flags & FS_OUT_NEW;
        if (snprintf(o->path, sizeof(o->path), "%s", path) >= (int)sizeof(o->path))
                return err_set(e, RB_INVALID, "path", _("path too long: %s"), path);
        if (target_check(path, o->noreplace, e) != 0)
                return -1;
        if ((fd = tmp_create(o, mode)) < 0) {
                int err = errno;
                o->tmp[0] = '\0';
                return write_fail(path, err, e);
        }
        if ((o->f = fdopen(fd, "w")) == NULL) {
                int err = errno;
                close(fd);
                fs_out_abort(o);
                return write_fail(path, err, e);
        }
        return 0;
}

/* fsyncs the folder holding path, so the rename itself survives a power cut. */
static void dir_sync(const char *path)
{
        char dir[4096];
        const char *slash = strrchr(path, '/');
        int fd;

        if (slash == NULL)
                snprintf(dir, sizeof(dir), ".");
        else
                snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) + (slash == path), path);
        if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
                fsync(fd);
                close(fd);
        }
}

int fs_rename(const char *from, const char *to, struct rb_err *e)
{
        if (rename(from, to) != 0)
                return err_set(e, errno == ENOSPC ? RB_EXHAUSTED : RB_INTERNAL, "path",
                               _("cannot move %s to %s: %s"), from, to, strerror(errno));
        dir_sync(to);
        return 0;
}

/* Moves the finished temporary onto the target (never over one with noreplace). */
static int tmp_move(struct fs_out *o)
{
        if (!o->noreplace)
                return rename(o->tmp, o->path);
        if (link(o->tmp, o->path) != 0)
                return -1;
        unlink(o->tmp);
        return 0;
}

int fs_out_commit(struct fs_out *o, struct rb_err *e)
{
        FILE *f = o->f;
        int err = 0;

        o->f = NULL;
        if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0)
                err = errno ? errno : EIO;
        if (fclose(f) != 0 && err == 0)
                err = errno;
        if (err != 0) {
                fs_out_abort(o);
                return write_fail(o->path, err, e);
        }
        if (target_check(o->path, o->noreplace, e) != 0) {
                fs_out_abort(o);
                return -1;
        }
        if (tmp_move(o) != 0) {
                err = errno;
                fs_out_abort(o);
                return write_fail(o->path, err, e);
        }
        o->tmp[0] = '\0';
        dir_sync(o->path);
        return 0;
}

void fs_out_abort(struct fs_out *o)
{
        if (o->f != NULL)
                fclose(o->f);
        o->f = NULL;
        if (o->tmp[0] != '\0')
                unlink(o->tmp);
        o->tmp[0] = '\0';
}

int fs_write_file(const char *path, const void *data, size_t n, unsigned mode, struct rb_err *e)
{
        struct fs_out o;

        if (fs_out_open(&o, path, mode, FS_OUT_REPLACE, e) != 0)
                return -1;
        if (n > 0 && fwrite(data, 1, n, o.f) != n) {
                int err = errno;
                fs_out_abort(&o);
                return write_fail(path, err, e);
        }
        return fs_out_commit(&o, e);
}
