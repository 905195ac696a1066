/*
 * Replaying a saved measurement log (`vmmctl measure > LOG`): the text
 * form is "register HEX", "count N", then "event I TYPE DIGEST DATA" per
 * event; '#' lines are comments.  Used by `vmmsign replay` (the
 * administrator's machine) and svreplay (the guest, which has no OpenSSL).
 */
#ifndef SV_REPLAY_H
#define SV_REPLAY_H

#include <stdio.h>

/*
 * Reads the log at path, checks every event's type, length and place
 * (image, then keys, then loads and lists), recomputes its digest from
 * its type and data and the register from zero, prints "match: ...",
 * "MISMATCH: ..." or "UNVERIFIABLE: ..." (the log ends with the overflow
 * marker) to out.  0 match, 1 mismatch or unverifiable, 2 unreadable or
 * malformed log (message on stderr, prefixed with prog).
 */
int sv_replay_file(const char *prog, const char *path, FILE *out);

#endif
