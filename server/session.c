/*
 * session.c - a connection's session (see session.h): its language and
 * whether its certificate and unit are still valid.
 */
#include "session.h"
#include "i18n.h"
#include "log.h"
#include "query_memo.h"
#include "role.h"
#include "server.h"
#include "snapshot.h"
#include "store.h"

#include <event2/event.h>
#include <string.h>

void session_set_language(struct server *srv, struct session *ss, const char *language)
{
        ss->loc = language != NULL && strncmp(language, "id", 2) == 0 ? srv->loc_id : 0;
}

locale_t session_locale(const struct server *srv, const struct session *ss)
{
        if (ss->loc != (locale_t)0)
                return ss->loc;
        return srv->loc_en != (locale_t)0 ? srv->loc_en : LC_GLOBAL_LOCALE;
}

const char *session_seat(const struct session *ss, char *buf, size_t len)
{
        return seat_format(buf, len, ss->who.unit, ss->who.role, ss->who.name, ss->who.serial);
}

void session_release(struct session *ss)
{
        query_memo_free(ss->memo);
        ss->memo = NULL;
        snapshot_free(ss->snap);
        ss->snap = NULL;
}

/* Logs, once per session, why its unit seat is refused. */
static void session_log_unit(struct session *ss)
{
        if (ss->refusal_logged)
                return;
        ss->refusal_logged = 1;
        log_warn("unit=%s serial=%s refused: unit does not exist or has been deactivated",
                 ss->who.unit, ss->who.serial);
}

/* The database's generation (store_generation): its data_version, which
 * moves when another process commits (a `renbind cert revoke`), is read
 * once per pass of the event loop: the value is kept until srv->pass_end,
 * made active by the first read, runs after every callback of the pass
 * (the requests that arrived together). Its own changes are counted each
 * time. 0, or -1 when the database cannot be read. */
static int generation(struct server *srv, long long gen[2])
{
        if (srv->version_known) {
                gen[0] = srv->version;
                gen[1] = (long long)sqlite3_total_changes64(srv->db);
                return 0;
        }
        if (store_generation(srv->db, gen) != 0)
                return -1;
        if (srv->pass_end != NULL) {
                srv->version = gen[0];
                srv->version_known = 1;
                event_active(srv->pass_end, EV_TIMEOUT, 0);
        }
        return 0;
}

void session_pass_end(evutil_socket_t fd, short what, void *arg)
{
        struct server *srv = arg;

        (void)fd;
        (void)what;
        srv->version_known = 0;
}

int session_check(struct server *srv, struct session *ss, struct rb_err *e)
{
        long long gen[2];

        /* While the database stands still, neither a revocation nor a unit's
         * deactivation can have happened since the last check. */
        if (generation(srv, gen) != 0)
                return err_set(e, RB_UNAVAILABLE, NULL, _("the database cannot be read"));
        if (ss->checked && gen[0] == ss->gen[0] && gen[1] == ss->gen[1])
                return 0;
        if (store_cert_revoked(srv->db, ss->who.serial))
                return err_set(e, RB_UNAUTHENTICATED, "certificate",
                               _("certificate %s has been revoked"), ss->who.serial);
        if (ss->role == ROLE_UNIT && !store_unit_active(srv->db, ss->who.unit)) {
                session_log_unit(ss);
                /* Deactivating a unit locks its office out, connected or not. */
                return err_set(e, RB_UNAUTHENTICATED, "unit",
                               _("unit %s does not exist or has been deactivated"), ss->who.unit);
        }
        ss->checked = 1;
        ss->gen[0] = gen[0];
        ss->gen[1] = gen[1];
        return 0;
}
