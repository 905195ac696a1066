/*
 * svreplay LOG: recomputes the measurement register from a log saved
 * with `vmmctl measure > LOG` and says whether it matches (exit 0) or
 * not (exit 1); 2 for a usage error or a malformed log.  The same as
 * `vmmsign replay LOG`, for the guest, which has no OpenSSL.
 */
#include <stdio.h>
#include <string.h>

#include "replay.h"

int main(int argc, char **argv)
{
	if (argc != 2 || !strcmp(argv[1], "--help")) {
		fprintf(argc == 2 ? stdout : stderr, "usage: svreplay LOG   (LOG: vmmctl measure > LOG)\n");
		return argc == 2 ? 0 : 2;
	}
	return sv_replay_file("svreplay", argv[1], stdout);
}
