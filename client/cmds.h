/*
 * cmds.h - the command table entries, one per cmd_*.c file.
 */
#ifndef RENBIN_CMDS_H
#define RENBIN_CMDS_H

#include "cli.h"

extern const struct cmd cmd_setup;
extern const struct cmd cmd_status;
extern const struct cmd cmd_sync;
extern const struct cmd cmd_unit;
extern const struct cmd cmd_asn;
extern const struct cmd cmd_competency;
extern const struct cmd cmd_plan;
extern const struct cmd cmd_program;
extern const struct cmd cmd_enroll;
extern const struct cmd cmd_attend;
extern const struct cmd cmd_import;
extern const struct cmd cmd_conflicts;
extern const struct cmd cmd_retry;
extern const struct cmd cmd_audit;
extern const struct cmd cmd_eval;
extern const struct cmd cmd_assess;
extern const struct cmd cmd_mentor;
extern const struct cmd cmd_survey;
extern const struct cmd cmd_forum;
extern const struct cmd cmd_need;
extern const struct cmd cmd_standard;
extern const struct cmd cmd_followup;
extern const struct cmd cmd_record;
extern const struct cmd cmd_certificate;
extern const struct cmd cmd_report;
extern const struct cmd cmd_export;

#endif
