/*
 * cmd_restore.h - `renbind restore`: a backup put in place of a stopped
 * server's database, under a new generation (docs/sync.md).
 */
#ifndef RENBIN_CMD_RESTORE_H
#define RENBIN_CMD_RESTORE_H

/* renbind restore --data DIR --from FILE: argv[0] is "restore". An exit status. */
int cmd_restore(int argc, char **argv);

#endif
