/*
 * cmd_cert.h - renbind's certificate and upgrade commands: `cert` (issue,
 * renew, list, revoke, server) and `migrate`.
 */
#ifndef RENBIN_CMD_CERT_H
#define RENBIN_CMD_CERT_H

/* renbind cert VERB [options]: argv[0] is "cert". An exit status. */
int cmd_cert(int argc, char **argv);
/* renbind migrate --data DIR [--dry-run]. An exit status. */
int cmd_migrate(int argc, char **argv);

#endif
