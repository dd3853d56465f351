/*
 * cmd_record.c - `renbin record`: training a person took outside the plan
 * (another agency's seminar, LAN's e-learning), added by the person's office
 * or HR and verified or rejected by HR. A verified record counts in the JP
 * report by its method; a pending one is listed and never counted. The
 * fields, the methods and the JP of a method counted by day are the
 * catalogue's (common/entity.c, common/validate.c); the server keeps the
 * rest (server/e_record.c).
 */
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "rowid.h"
#include "table.h"
#include "verbs.h"
#include "write.h"

#include <stdio.h>

static const struct opt record_add_opts[] = {
    {"NIP", "nip", OPT_ARG_NIP, 1, N_("the ASN's NIP"), NULL, NULL},
    OPT_ENTITY_FIELDS("record", "add"),
    OPT_END,
};

/* record add NIP --title T --organizer O --method M --start D --end D [--jp N]
 * [--certificate NUMBER] */
static int record_add(struct cli *cli, int argc, char **argv)
{
        char label[400];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "record add", "record", "add", record_add_opts, argc, argv, &f,
                              NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("record of %s: %s"), write_get(f, "nip"),
                 write_get(f, "title"));
        return write_submit(cli, "record", "add", f, label);
}

static const struct opt record_verify_opts[] = {
    {"ID", "id", OPT_ARG, 1, N_("the record's id, as record list shows it"), NULL, NULL},
    OPT_ENTITY_FIELDS("record", "verify"),
    OPT_END,
};

static const struct opt record_reject_opts[] = {
    {"ID", "id", OPT_ARG, 1, N_("the record's id, as record list shows it"), NULL, NULL},
    OPT_ENTITY_FIELDS("record", "reject"),
    OPT_END,
};

/* "record 1a2b3c4d: verify" */
static void verify_label(char *buf, size_t len, const char *shown, const json_t *f)
{
        (void)f;
        snprintf(buf, len, _("verify record %s"), shown);
}

static void reject_label(char *buf, size_t len, const char *shown, const json_t *f)
{
        (void)f;
        snprintf(buf, len, _("reject record %s"), shown);
}

/* record verify ID (HR) */
static int record_verify(struct cli *cli, int argc, char **argv)
{
        return rowid_write(cli, "record verify", "record", "verify", "records", _("record"),
                           record_verify_opts, argc, argv, verify_label);
}

/* record reject ID --reason TEXT (HR) */
static int record_reject(struct cli *cli, int argc, char **argv)
{
        return rowid_write(cli, "record reject", "record", "reject", "records", _("record"),
                           record_reject_opts, argc, argv, reject_label);
}

static const struct opt record_list_opts[] = {
    {"unit", NULL, OPT_VALUE, 0, N_("only this unit (its code)"), NULL, NULL},
    {"nip", NULL, OPT_VALUE, 0, N_("only this ASN (NIP)"), NULL, NULL},
    {"pending", NULL, OPT_FLAG, 0, N_("only records HR has not verified or rejected"), NULL, NULL},
    OPT_END,
};

/* record list [--unit CODE] [--nip NIP] [--pending]: ?1..?3 are the
 * filters; the state as stored (pending, verified, rejected). */
static int record_list(struct cli *cli, int argc, char **argv)
{
        static const char sql[] =
            "SELECT substr(r.id, -8) AS id, r.nip, ifnull(a.name, '') AS name, r.unit, r.title,"
            " r.organizer, r.method, r.start_date, r.end_date, r.jp,"
            " ifnull(r.certificate, '') AS certificate, r.status,"
            " ifnull(r.reject_reason, '') AS reason FROM records r LEFT JOIN asn a ON a.nip = r.nip"
            " WHERE (?1 IS NULL OR r.unit = ?1) AND (?2 IS NULL OR r.nip = ?2)"
            " AND (?3 IS NULL OR r.status = 'pending') ORDER BY r.start_date, r.nip, r.id";
        static const char *const headers[] = {
            N_("ID"),          N_("NIP"),    N_("NAME"),   N_("UNIT"), N_("TITLE"),
            N_("ORGANIZER"),   N_("METHOD"), N_("START"),  N_("END"),  N_("JP"),
            N_("CERTIFICATE"), N_("STATUS"), N_("REASON"), NULL};

        return verb_list(cli, argc, argv, record_list_opts, sql, headers);
}

static const struct verb record_verbs[] = {
    {"add", record_add, record_add_opts},
    {"verify", record_verify, record_verify_opts},
    {"reject", record_reject, record_reject_opts},
    {"list", record_list, record_list_opts},
    {NULL, NULL, NULL},
};

const struct cmd cmd_record = {
    .name = "record",
    .usage = "record add NIP --title TEXT --organizer TEXT --method M --start DATE --end DATE"
             "\n       [--jp N] [--certificate NUMBER]"
             "\n     | record verify ID | record reject ID --reason TEXT"
             "\n     | record list [--unit CODE] [--nip NIP] [--pending]",
    .summary = N_("training taken outside the plan, verified by HR before it counts"),
    .help = N_("The person's office (or HR) adds a record; HR verifies or rejects it. Only a\n"
               "verified record counts in report jp (klasikal or nonklasikal by its method)\n"
               "and in the SIASN export; a pending one is listed and never counted.\n"
               "Seminar and workshop count by day (4 and 5 JP a day): without --jp a record\n"
               "gets days x that, and more is refused.\n"
               "ID is the record's id as record list shows it (its last characters).\n"),
    .exec = record_list,
    .verbs = record_verbs,
};
