/*
 * role.c - role names and their bits (see role.h).
 */
#include "role.h"

#include <stdio.h>
#include <string.h>

static const struct {
        const char *name;
        unsigned bit;
} roles[] = {
    {"hr", ROLE_HR},
    {"unit", ROLE_UNIT},
    {"auditor", ROLE_AUDITOR},
};

unsigned role_bit(const char *role)
{
        for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
                if (strcmp(role, roles[i].name) == 0)
                        return roles[i].bit;
        return 0;
}

const char *role_name(unsigned bit)
{
        for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
                if (roles[i].bit == bit)
                        return roles[i].name;
        return "";
}

const char *seat_format(char *buf, size_t len, const char *unit, const char *role, const char *name,
                        const char *serial)
{
        int n = snprintf(buf, len, "%s %s", unit ? unit : "", role ? role : "");

        if (n >= 0 && (size_t)n < len && name != NULL && name[0] != '\0')
                n += snprintf(buf + n, len - (size_t)n, " %s", name);
        if (n >= 0 && (size_t)n < len && serial != NULL && serial[0] != '\0')
                snprintf(buf + n, len - (size_t)n, " #%s", serial);
        return buf;
}
