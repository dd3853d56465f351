/*
 * fsutil.h - small file-system helpers: folders, private files, path joins.
 */
#ifndef RENBIN_FSUTIL_H
#define RENBIN_FSUTIL_H

#include <stddef.h>

#include "err.h"

/* Creates dir and its parents with the given mode; existing folders are fine. */
int fs_mkdirs(const char *dir, unsigned mode, struct rb_err *e);
/* Joins a folder and a name into buf; -1 if it does not fit. */
int fs_join(char *buf, size_t len, const char *dir, const char *name);
/* Copies src to dst (replacing it) with the given mode, through a temp file and rename. */
int fs_copy(const char *src, const char *dst, unsigned mode, struct rb_err *e);
/* True if path exists. */
int fs_exists(const char *path);
/* Reads a whole file into a NUL-terminated malloc'd buffer; NULL and e on failure. */
char *fs_read(const char *path, size_t *len, struct rb_err *e);

#endif
