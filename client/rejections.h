/*
 * rejections.h - the rejected ops an office acts on (client/cmd_retry.c):
 * status lists them with a short id, who and what they are about and the
 * reason, and the ops waiting on them; retry queues a corrected copy;
 * status --dismiss ID drops one.
 */
#ifndef RENBIN_REJECTIONS_H
#define RENBIN_REJECTIONS_H

#include <jansson.h>

#include "cli.h"

/* The open rejected ops and the ops waiting on them, each with "about" (the
 * person and program in names), without their fields: a JSON array, or NULL
 * with e. */
json_t *rejections_list(struct cli *cli, struct rb_err *e);
/* Prints rejections_list's array for a person. */
void rejections_print(const json_t *arr);
/* status --dismiss ID: takes one rejected op off the list. */
int rejections_dismiss(struct cli *cli, const char *id);

#endif
