/*
 * role.h - the roles a client certificate names (OU = hr | unit | auditor) as
 * bits, so a table can say which roles may make a call or an entity action.
 * The server computes a connection's bit once, from its certificate; the
 * client reads its seat's role from its settings.
 */
#ifndef RENBIN_ROLE_H
#define RENBIN_ROLE_H

#include <stddef.h>

enum role_bits { ROLE_HR = 1, ROLE_UNIT = 2, ROLE_AUDITOR = 4, ROLE_ANY = 7 };

/* Role bit for a role name, 0 if the name is not a client role. */
unsigned role_bit(const char *role);
/* The role's name for a single bit ("hr", "unit", "auditor"), "" otherwise. */
const char *role_name(unsigned bit);

/* A seat as people read it, in buf: its unit and role, then the person's
 * name and "#" and the certificate serial when given (NULL or "": left
 * out): "KEL-BLW1 unit", "BKPSDM hr Siti Rahma #5A3F...". Returns buf. */
const char *seat_format(char *buf, size_t len, const char *unit, const char *role, const char *name,
                        const char *serial);

#endif
