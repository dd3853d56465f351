/*
 * audit_redact.h - audit records that must not keep an answer (docs/privacy.md).
 */
#ifndef RENBIN_AUDIT_REDACT_H
#define RENBIN_AUDIT_REDACT_H

#include "err.h"

#include <sqlite3.h>

/* Replaces the snapshot of every audit record of an entity with private
 * fields (the questionnaire answers written before they lost their person)
 * by the snapshot's digest: the chain still verifies, the answer is gone.
 * Returns how many records were redacted, or -1 with e. */
long audit_redact_private(sqlite3 *db, struct rb_err *e);

#endif
