/*
 * config.h - renbind's settings and where each came from: built-in defaults,
 * then the config file (INI, section [serve], read with inih), then RENBIND_*
 * environment variables, then flags; a later source overrides an earlier one.
 */
#ifndef RENBIN_CONFIG_H
#define RENBIN_CONFIG_H

#include "server.h"

/* The config file read when neither --config nor RENBIND_CONFIG names one. */
#define CONFIG_DEFAULT_PATH "/etc/renbin/renbind.conf"

enum cfg_key {
        CFG_DATA,
        CFG_LISTEN,
        CFG_MAX_CONNS,
        CFG_CONNS_PER_ADDR,
        CFG_IDLE,
        CFG_HANDSHAKE,
        CFG_FRAME,
        CFG_MAX_FRAME,
        CFG_SNAPSHOT_MIN_ROWS, /* a first sync of fewer rows pulls pages (h_snapshot.c) */
        CFG_LOG_LEVEL,
        CFG_LOG_FILE,
        CFG_METRICS,
        CFG_CERT_FORMAT, /* certificate numbers (certificate.h); reloadable */
        CFG_N
};

enum cfg_src { CFG_SRC_DEFAULT, CFG_SRC_FILE, CFG_SRC_ENV, CFG_SRC_FLAG };

struct config {
        const char *path;        /* the config file */
        int path_given;          /* named by --config or RENBIND_CONFIG: must exist */
        int file_found;          /* the file was there and read */
        const char *flag[CFG_N]; /* values given as flags, NULL where none */
        char val[CFG_N][1024];   /* the merged values */
        long num[CFG_N];         /* ... as numbers (the log level's enum too) */
        enum cfg_src src[CFG_N]; /* ... and where each came from */
        int line[CFG_N];         /* the file's line, for CFG_SRC_FILE */
        char err[1536];          /* why config_args or config_merge failed */
};

/* Sets the defaults' path and no flags. */
void config_init(struct config *c);
/* Parses serve's flags (help is printed for --help and bad options) into c.
 * Returns -1 to go on, or the exit status to end with. */
int config_args(struct config *c, int argc, char **argv, const char *help);
/* Merges defaults, file, environment and flags into c->val: 0, or the exit
 * status (2 a bad flag or variable, 3 a bad file line, 4 a named file
 * missing) with c->err naming the file, line and key. */
int config_merge(struct config *c);
/* The merged value of k. */
const char *config_get(const struct config *c, enum cfg_key k);
/* Copies the merged limits into lim (hr_reserve follows max-conns). */
void config_limits(const struct config *c, struct server_limits *lim);
/* Describes the reloadable settings in one line ("max-conns 1024, ..."). */
void config_describe(const struct config *c, char *buf, size_t n);
/* Runs `renbind config`: prints the merged settings and their sources. */
int config_main(int argc, char **argv);

#endif
