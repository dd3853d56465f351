/*
 * cmds.h - the command table entries, one per cmd_*.c file.
 */
#ifndef RENBIN_CMDS_H
#define RENBIN_CMDS_H

#include "cli.h"

extern const struct cmd cmd_setup;
extern const struct cmd cmd_status;

#endif
