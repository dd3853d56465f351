/*
 * i18n.h - gettext for every user-facing message. The catalogs live in po/;
 * LANG=id_ID.UTF-8 selects Indonesian.
 */
#ifndef RENBIN_I18N_H
#define RENBIN_I18N_H

#include <libintl.h>
#include <stddef.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets the locale from the environment and binds the "renbin" domain. */
void i18n_init(void);

/* x with two decimals as a person reads it in the messages' language: the
 * decimal mark the catalog gives ("," in Indonesian), never in CSV or JSON,
 * which keep "." (LC_NUMERIC stays "C"). Returns buf. */
const char *i18n_number(double x, char *buf, size_t len);

#endif
