/*
 * fsutil.h - small file-system helpers: folders, private files, path joins,
 * and the one way both programs write a file (fs_out).
 */
#ifndef RENBIN_FSUTIL_H
#define RENBIN_FSUTIL_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* Creates dir and its parents with the given mode; existing folders are fine. */
int fs_mkdirs(const char *dir, unsigned mode, struct rb_err *e);
/* Joins a folder and a name into buf; -1 if it does not fit. */
int fs_join(char *buf, size_t len, const char *dir, const char *name);
/* Copies src to dst (replacing it) with the given mode, through fs_out. */
int fs_copy(const char *src, const char *dst, unsigned mode, struct rb_err *e);
/* Renames from to to (replacing it) and fsyncs the folder: 0, or -1 with e
 * naming both. */
int fs_rename(const char *from, const char *to, struct rb_err *e);
/* True if path exists. */
int fs_exists(const char *path);
/* Reads a whole file into a NUL-terminated malloc'd buffer; NULL and e on failure. */
char *fs_read(const char *path, size_t *len, struct rb_err *e);

/* A file being written: a new temporary in the target's folder, made with
 * O_CREAT|O_EXCL|O_NOFOLLOW under an unpredictable name (so nothing planted
 * there is followed), renamed over the target only once it is whole and
 * fsynced. A failure at any step leaves the target as it was. */
struct fs_out {
        FILE *f;         /* write here (or write to tmp by name, as SQLite does) */
        char tmp[4096];  /* the temporary's path */
        char path[4096]; /* the target's */
        int noreplace;   /* FS_OUT_NEW: refuse a target that exists by the commit */
};

enum { FS_OUT_REPLACE = 0, FS_OUT_NEW = 1 };

/* Starts writing path (created with mode, less the umask). An existing path
 * that is not a regular file (a device, a folder, a FIFO, or a symbolic link
 * to one of these) is refused with RB_INVALID and never replaced; with
 * FS_OUT_NEW an existing path is refused with RB_EXISTS. 0, or -1 with e. */
int fs_out_open(struct fs_out *o, const char *path, unsigned mode, int flags, struct rb_err *e);
/* Flushes, fsyncs and closes the temporary, then moves it onto the target
 * and fsyncs the folder: 0, or -1 with e (a full disk is RB_EXHAUSTED) and
 * the temporary removed. o is finished either way. */
int fs_out_commit(struct fs_out *o, struct rb_err *e);
/* Closes and removes the temporary; the target is untouched. Safe to call
 * after fs_out_commit, or on an o whose fs_out_open failed. */
void fs_out_abort(struct fs_out *o);
/* Writes n bytes of data to path through fs_out (replacing it): 0, or -1 with e. */
int fs_write_file(const char *path, const void *data, size_t n, unsigned mode, struct rb_err *e);

#endif
