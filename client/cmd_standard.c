/*
 * cmd_standard.c - `renbin standard`: competency standards (standar
 * kompetensi jabatan), the level each position requires in a competency,
 * which the gaps report (`renbin report gaps`) measures people against. HR
 * sets them; every seat reads them offline. Fields and limits are the
 * catalogue's (common/entity.c), the level range that of an assessment.
 */
#include "cmds.h"
#include "i18n.h"
#include "verbs.h"
#include "write.h"

#include <stdio.h>

static const struct opt standard_set_opts[] = {
    OPT_ENTITY_FIELDS("standard", "set"),
    OPT_END,
};

/* standard set --jabatan J --competency C --level N */
static int standard_set(struct cli *cli, int argc, char **argv)
{
        char label[300];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "standard set", "standard", "set", standard_set_opts, argc, argv,
                              &f, NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("standard of %s in %s"), write_get(f, "jabatan"),
                 write_get(f, "competency"));
        return write_submit(cli, "standard", "set", f, label);
}

/* The filter of standard list: ?1 of its query. */
static const struct opt standard_list_opts[] = {
    {"jabatan", NULL, OPT_VALUE, 0, N_("only this position (any case)"), NULL, NULL},
    OPT_END,
};

/* The standards, with how many active people of this seat's replica hold
 * the jabatan (0 shows a jabatan the roster spells otherwise). */
static int standard_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("JABATAN"), N_("COMPETENCY"), N_("NAME"),
                                              N_("LEVEL"),   N_("PEOPLE"),     NULL};

        return verb_list(cli, argc, argv, standard_list_opts,
                         "SELECT s.jabatan, s.competency, ifnull(c.name, '') AS name, s.level,"
                         " (SELECT count(*) FROM asn a WHERE a.active = 1"
                         " AND lower(a.jabatan) = lower(s.jabatan)) AS people"
                         " FROM standards s LEFT JOIN competencies c ON c.code = s.competency"
                         " WHERE ?1 IS NULL OR lower(s.jabatan) = lower(?1)"
                         " ORDER BY lower(s.jabatan), s.competency",
                         headers);
}

static const struct verb standard_verbs[] = {
    {"set", standard_set, standard_set_opts},
    {"list", standard_list, standard_list_opts},
    {NULL, NULL, NULL},
};

const struct cmd cmd_standard = {
    .name = "standard",
    .usage = "standard set --jabatan J --competency CODE --level 1-5 (HR)\n"
             "       | standard list [--jabatan J]",
    .summary = N_("competency standards: the level each position requires"),
    .help = N_("A position (jabatan) is matched to the roster's without regard to case;\n"
               "setting it again changes its level. PEOPLE counts the active ASN this\n"
               "seat sees holding the position. Import many with: renbin import standard\n"
               "FILE (columns jabatan,competency,level).\n"),
    .exec = standard_list,
    .verbs = standard_verbs,
};
