/*
 * i18n.c - locale and message catalog setup.
 */
#include "i18n.h"

#include <locale.h>
#include <stdlib.h>

void i18n_init(void)
{
        const char *dir = getenv("RENBIN_LOCALEDIR");

        /* Without the named locale generated, fall back to C.UTF-8 so that
         * LANGUAGE=id still selects the catalog. */
        if (setlocale(LC_ALL, "") == NULL)
                setlocale(LC_ALL, "C.UTF-8");
        /* Numbers on the wire, in CSV and JSON stay in the C locale. */
        setlocale(LC_NUMERIC, "C");
        bindtextdomain("renbin", dir != NULL ? dir : RENBIN_LOCALEDIR);
        bind_textdomain_codeset("renbin", "UTF-8");
        textdomain("renbin");
}
