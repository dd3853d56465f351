/*
 * config.c - renbind's settings: defaults, /etc/renbin/renbind.conf (INI,
 * [serve]), RENBIND_* variables and flags, merged in that order, each value
 * remembering its source for `renbind config` and for error messages.
 */
#include "config.h"
#include "certificate.h"
#include "err.h"
#include "i18n.h"
#include "log.h"
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One setting: its key (file and flag), variable, default and range
 * (max 0: text). */
static const struct cfg_def {
        const char *key, *env, *def;
        long min, max;
} defs[CFG_N] = {
    [CFG_DATA] = {"data", "RENBIND_DATA", "/var/lib/renbin", 0, 0},
    [CFG_LISTEN] = {"listen", "RENBIND_LISTEN", "127.0.0.1:7443", 0, 0},
    [CFG_MAX_CONNS] = {"max-conns", "RENBIND_MAX_CONNS", "1024", 1, 1000000},
    [CFG_CONNS_PER_ADDR] = {"max-conns-per-address", "RENBIND_MAX_CONNS_PER_ADDRESS", "128", 1,
                            1000000},
    [CFG_IDLE] = {"idle-timeout", "RENBIND_IDLE_TIMEOUT", "300", 1, 1000000},
    [CFG_HANDSHAKE] = {"handshake-timeout", "RENBIND_HANDSHAKE_TIMEOUT", "10", 1, 1000000},
    [CFG_FRAME] = {"frame-timeout", "RENBIND_FRAME_TIMEOUT", "30", 1, 1000000},
    [CFG_MAX_FRAME] = {"max-frame", "RENBIND_MAX_FRAME", "4194304", 1, 1L << 30},
    [CFG_SNAPSHOT_MIN_ROWS] = {"snapshot-min-rows", "RENBIND_SNAPSHOT_MIN_ROWS", "10000", 0,
                               1000000000},
    [CFG_LOG_LEVEL] = {"log-level", "RENBIND_LOG_LEVEL", "info", 0, 0},
    [CFG_LOG_FILE] = {"log-file", "RENBIND_LOG_FILE", "", 0, 0},
    [CFG_METRICS] = {"metrics", "RENBIND_METRICS", "", 0, 0},
    [CFG_CERT_FORMAT] = {"certificate-format", "RENBIND_CERTIFICATE_FORMAT", CERT_FORMAT_DEFAULT, 0,
                         0},
};

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void config_init(struct config *c)
{
        memset(c, 0, sizeof(*c));
        c->path = CONFIG_DEFAULT_PATH;
}

/* Checks v for key k and sets *num: 0, or -1 with why filled. */
static int check(int k, const char *v, long *num, char *why, size_t n)
{
        if (strlen(v) >= sizeof(((struct config *)0)->val[0]))
                return snprintf(why, n, "%s", _("too long")), -1;
        if (k == CFG_LOG_LEVEL) {
                for (long i = 0; i < 4; i++)
                        if (strcmp(v, level_names[i]) == 0)
                                return *num = i, 0;
                return snprintf(why, n, "%s", _("error, warning, info or debug")), -1;
        }
        if (k == CFG_CERT_FORMAT)
                return *num = 0, cert_format_check(v, why, n);
        if (defs[k].max == 0)
                return *num = 0, 0;
        if (opt_long(v, defs[k].min, defs[k].max, num) != 0)
                return snprintf(why, n, _("a whole number from %ld to %ld"), defs[k].min,
                                defs[k].max),
                       -1;
        return 0;
}

/* Sets k to v from src: 0, or -1 with why. */
static int set(struct config *c, int k, const char *v, enum cfg_src src, int line, char *why,
               size_t n)
{
        if (check(k, v, &c->num[k], why, n) != 0)
                return -1;
        snprintf(c->val[k], sizeof(c->val[k]), "%s", v);
        c->src[k] = src;
        c->line[k] = line;
        return 0;
}

static int key_index(const char *key)
{
        for (int k = 0; k < CFG_N; k++)
                if (strcmp(defs[k].key, key) == 0)
                        return k;
        return -1;
}

/* What the INI reader keeps: the file's line count and the first error. */
struct ini_state {
        struct config *c;
        FILE *f;
        int line;
        int bad; /* the first error's line, 0 if none */
};

static char *ini_read(char *str, int num, void *stream)
{
        struct ini_state *st = stream;
        char *s = fgets(str, num, st->f);

        if (s != NULL)
                st->line++;
        return s;
}

/* inih's handler: one key = value of the file. */
static int on_ini_line(void *user, const char *section, const char *name, const char *value)
{
        struct ini_state *st = user;
        struct config *c = st->c;
        char why[256];
        int k = key_index(name);

        if (st->bad != 0)
                return 1;
        if (strcmp(section, "serve") != 0)
                snprintf(why, sizeof(why), _("unknown section [%s] (only [serve])"), section);
        else if (k < 0)
                snprintf(why, sizeof(why), "%s", _("unknown key"));
        else if (set(c, k, value, CFG_SRC_FILE, st->line, why, sizeof(why)) == 0)
                return 1;
        st->bad = st->line;
        snprintf(c->err, sizeof(c->err), "%s:%d: %s = %s: %s", c->path, st->line, name, value, why);
        return 0;
}

/* Reads the config file into c: 0, or an exit status with c->err. */
static int load_file(struct config *c)
{
        struct ini_state st = {.c = c};
        int rc;

        if ((st.f = fopen(c->path, "re")) == NULL) {
                if (errno == ENOENT && !c->path_given)
                        return 0;
                snprintf(c->err, sizeof(c->err), _("cannot read config file %s: %s"), c->path,
                         strerror(errno));
                return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_FAIL;
        }
        c->file_found = 1;
        rc = ini_parse_stream(ini_read, &st, on_ini_line, &st);
        fclose(st.f);
        if (rc != 0 && st.bad == 0)
                snprintf(c->err, sizeof(c->err), _("%s:%d: not a 'key = value' line or [section]"),
                         c->path, rc);
        return rc != 0 ? EXIT_INVALID : 0;
}

int config_merge(struct config *c)
{
        char why[256];
        const char *v;
        int rc;

        for (int k = 0; k < CFG_N; k++)
                set(c, k, defs[k].def, CFG_SRC_DEFAULT, 0, why, sizeof(why));
        if ((rc = load_file(c)) != 0)
                return rc;
        for (int k = 0; k < CFG_N; k++) {
                if ((v = getenv(defs[k].env)) != NULL &&
                    set(c, k, v, CFG_SRC_ENV, 0, why, sizeof(why)) != 0)
                        return snprintf(c->err, sizeof(c->err), _("%s: bad value '%s' (%s)"),
                                        defs[k].env, v, why),
                               EXIT_USAGE;
                if ((v = c->flag[k]) != NULL &&
                    set(c, k, v, CFG_SRC_FLAG, 0, why, sizeof(why)) != 0)
                        return snprintf(c->err, sizeof(c->err),
                                        _("option --%s: bad value '%s' (%s)"), defs[k].key, v, why),
                               EXIT_USAGE;
        }
        return 0;
}

const char *config_get(const struct config *c, enum cfg_key k)
{
        return c->val[k];
}

void config_limits(const struct config *c, struct server_limits *lim)
{
        lim->max_conns = (unsigned)c->num[CFG_MAX_CONNS];
        lim->hr_reserve = lim->max_conns / 32;
        lim->conns_per_addr = (unsigned)c->num[CFG_CONNS_PER_ADDR];
        lim->idle.tv_sec = c->num[CFG_IDLE];
        lim->handshake.tv_sec = c->num[CFG_HANDSHAKE];
        lim->frame.tv_sec = c->num[CFG_FRAME];
        lim->max_frame = (uint32_t)c->num[CFG_MAX_FRAME];
        lim->snapshot_min_rows = (uint64_t)c->num[CFG_SNAPSHOT_MIN_ROWS];
}

void config_describe(const struct config *c, char *buf, size_t n)
{
        size_t len = 0;

        buf[0] = '\0';
        for (int k = CFG_MAX_CONNS; k <= CFG_LOG_LEVEL && len < n; k++)
                len += (size_t)snprintf(buf + len, n - len, "%s%s %s", len ? ", " : "", defs[k].key,
                                        c->val[k]);
}

/* serve's and config's options: one per setting, then the others. */
enum { OPT_KEY0 = 1000, OPT_CONFIG = 'C', OPT_VERBOSE = 'v', OPT_HELP = 'h' };

static const struct option *longopts(void)
{
        static struct option o[CFG_N + 4];

        if (o[0].name == NULL) {
                for (int k = 0; k < CFG_N; k++)
                        o[k] = (struct option){defs[k].key, required_argument, NULL, OPT_KEY0 + k};
                o[CFG_N] = (struct option){"config", required_argument, NULL, OPT_CONFIG};
                o[CFG_N + 1] = (struct option){"verbose", no_argument, NULL, OPT_VERBOSE};
                o[CFG_N + 2] = (struct option){"help", no_argument, NULL, OPT_HELP};
        }
        return o;
}

int config_args(struct config *c, int argc, char **argv, const char *help)
{
        const char *env = getenv("RENBIND_CONFIG");
        int ch;

        if (env != NULL && env[0] != '\0')
                c->path = env, c->path_given = 1;
        optind = 1;
        while ((ch = getopt_long(argc, argv, "vh", longopts(), NULL)) != -1) {
                if (ch >= OPT_KEY0 && ch < OPT_KEY0 + CFG_N)
                        c->flag[ch - OPT_KEY0] = optarg;
                else if (ch == OPT_CONFIG)
                        c->path = optarg, c->path_given = 1;
                else if (ch == OPT_VERBOSE)
                        c->flag[CFG_LOG_LEVEL] = "debug";
                else if (ch == OPT_HELP)
                        return fputs(_(help), stdout), EXIT_OK;
                else
                        return fputs(_(help), stderr), EXIT_USAGE;
        }
        if (optind < argc)
                return opt_fail(EXIT_USAGE, _("unexpected argument '%s' (see --help)"),
                                argv[optind]);
        return -1;
}

/* Where k's value came from, for `renbind config`. */
static void describe_src(const struct config *c, int k, char *buf, size_t n)
{
        switch (c->src[k]) {
        case CFG_SRC_FILE:
                snprintf(buf, n, _("file %s, line %d"), c->path, c->line[k]);
                break;
        case CFG_SRC_ENV:
                snprintf(buf, n, _("environment %s"), defs[k].env);
                break;
        case CFG_SRC_FLAG:
                snprintf(buf, n, _("flag --%s"), defs[k].key);
                break;
        default:
                snprintf(buf, n, "%s", _("default"));
        }
}

static const char config_help[] =
    N_("Usage: renbind config [--config PATH] [serve's options]\n"
       "Print the settings renbind serve would use, as the config file's [serve]\n"
       "section, each with where it came from: the default, the config file\n"
       "(default /etc/renbin/renbind.conf, or RENBIND_CONFIG), an environment\n"
       "variable (RENBIND_DATA, RENBIND_LISTEN, RENBIND_MAX_CONNS, ...) or a flag.\n"
       "Flags override variables, which override the file.\n");

int config_main(int argc, char **argv)
{
        struct config c;
        char src[1200];
        int rc;

        config_init(&c);
        if ((rc = config_args(&c, argc, argv, config_help)) >= 0)
                return rc;
        if ((rc = config_merge(&c)) != 0)
                return opt_fail(rc, "%s", c.err);
        printf(_("; config file %s%s\n"), c.path, c.file_found ? "" : _(" (absent)"));
        puts("[serve]");
        for (int k = 0; k < CFG_N; k++) {
                describe_src(&c, k, src, sizeof(src));
                printf("%s = %s  ; %s\n", defs[k].key, c.val[k], src);
        }
        return EXIT_OK;
}
