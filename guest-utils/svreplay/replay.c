/* See replay.h; the arithmetic is vmm/policy/measure.c's, built hosted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <policy/measure.h>

#include "replay.h"

static int unhex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", s[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]))
			return -1;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static void print_hex(FILE *out, const uint8_t *p, int n)
{
	for (int i = 0; i < n; i++)
		fprintf(out, "%02x", p[i]);
}

int sv_replay_file(const char *prog, const char *path, FILE *out)
{
	FILE *f = fopen(path, "r");
	static struct sv_measure_event ev[MEASURE_LOG_MAX];
	uint8_t want[32], got[32];
	char line[1024];
	uint32_t n = 0, count = 0, bad = 0;
	int have_reg = 0, have_count = 0, lineno = 0, rc;
	const char *why;

	if (!f) {
		fprintf(stderr, "%s: cannot read '%s'\n", prog, path);
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		char a[80], b[80], c[300];
		unsigned int idx, type;
		size_t len;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (sscanf(line, "register %79s", a) == 1 && !have_reg) {
			if (unhex(a, want, 32, &len) || len != 32)
				goto malformed;
			have_reg = 1;
		} else if (sscanf(line, "count %u", &count) == 1 && !have_count) {
			have_count = 1;
		} else if (sscanf(line, "event %u %u %79s %299s", &idx, &type, b, c) >= 3) {
			if (idx != n || n == MEASURE_LOG_MAX)
				goto malformed;
			memset(&ev[n], 0, sizeof(ev[n]));
			ev[n].type = type;
			if (unhex(b, ev[n].digest, 32, &len) || len != 32)
				goto malformed;
			/* An event with no data has no fourth field. */
			if (sscanf(line, "event %*u %*u %*s %299s", c) == 1) {
				if (unhex(c, ev[n].data, SV_MEASURE_DATA_MAX, &len))
					goto malformed;
				ev[n].data_len = (uint32_t)len;
			}
			n++;
		} else {
			goto malformed;
		}
	}
	fclose(f);
	if (!have_reg || !have_count || count != n) {
		fprintf(stderr, "%s: '%s': %s\n", prog, path,
			!have_reg ? "no register line" : !have_count ? "no count line" : "count does not match the events");
		return 2;
	}
	rc = measure_replay(ev, n, got, &bad, &why);
	if (rc == -SV_ERANGE) {
		fprintf(out, "UNVERIFIABLE: event %u: %s\n", bad, why);
		return 1;
	}
	if (rc) {
		fprintf(out, "MISMATCH: event %u: %s\n", bad, why);
		return 1;
	}
	if (memcmp(got, want, 32)) {
		fprintf(out, "MISMATCH: %u events replay to ", n);
		print_hex(out, got, 32);
		fprintf(out, ", the log says ");
		print_hex(out, want, 32);
		fprintf(out, "\n");
		return 1;
	}
	fprintf(out, "match: %u events replay to register ", n);
	print_hex(out, got, 32);
	fprintf(out, "\n");
	return 0;
malformed:
	fclose(f);
	fprintf(stderr, "%s: '%s' line %d: not a measurement log line\n", prog, path, lineno);
	return 2;
}
