/*
 * session.c - a connection's session (see session.h): its language and
 * whether its unit is still active.
 */
#include "session.h"
#include "server.h"
#include "store.h"

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

int session_unit_active(struct server *srv, struct session *ss)
{
        /* renbind is the database's only writer, so while its change count
         * stands still no unit can have been deactivated. */
        int64_t now = sqlite3_total_changes64(srv->db);

        if (ss->unit_checked == now + 1)
                return 1;
        if (!store_unit_active(srv->db, ss->who.unit))
                return 0;
        ss->unit_checked = now + 1;
        return 1;
}
