/*
 * vmmsign's commands for versioned processes (docs/signatures.md):
 * making revocation lists, and what a verifier needs to check a
 * measurement log (the VMM image digest, the trusted-key-set digest, the
 * command-line event).
 * Each returns the exit status (0 success, 1 failure, 2 usage).
 */
#ifndef SV_VMMSIGN_POLICY_H
#define SV_VMMSIGN_POLICY_H

#include <stddef.h>

/*
 * vmmsign.c's file reader: PATH whole, at most MAX bytes (TOO_BIG_OK: the
 * first MAX + 1); exits with a one-line message on any failure.
 */
unsigned char *read_file(const char *path, size_t max, int too_big_ok, size_t *len);

/* revlist OUT VERSION [binary=PATH | digest=HEX | keyid=HEX ...] */
int cmd_revlist(int argc, char **argv);
/* image-digest SEALVISOR_ELF: the digest the VMM's first event holds. */
int cmd_image_digest(const char *path);
/* keyset ID...: the digest of the trusted-key-set event, ids in build order. */
int cmd_keyset(int argc, char **argv);
/* cmdline LINE: the data (hex) of the command-line event for a VMM started with LINE. */
int cmd_cmdline(const char *line);

#endif
