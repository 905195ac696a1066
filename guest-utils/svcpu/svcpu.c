/*
 * svcpu: the boot suite's front end to the svcpu test module
 * (svcpu_mod.c).  One instruction per run, on the CPU named first:
 *
 *   svcpu rdmsr CPU MSR          rdmsr 0xMSR: ok 0xVALUE      | rdmsr 0xMSR: #GP
 *   svcpu wrmsr CPU MSR VALUE    wrmsr 0xMSR 0xVALUE: ok      | ...: #GP
 *   svcpu xsetbv CPU XCR VALUE   xsetbv XCR 0xVALUE: ok       | ...: #GP
 *   svcpu xgetbv CPU XCR         xgetbv XCR: ok 0xVALUE       | ...: #GP
 *   svcpu invd CPU               invd: ok
 *
 * A fault other than #GP prints "#UD" or "fault N" (its vector).
 * Exit status 0 when the instruction ran, 1 when it faulted, 2 for a
 * usage error or when the module could not run it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svcpu_ioctl.h"

static int usage(void)
{
	fprintf(stderr, "usage: svcpu rdmsr CPU MSR | wrmsr CPU MSR VALUE | xsetbv CPU XCR VALUE |\n"
			"             xgetbv CPU XCR | invd CPU\n");
	return 2;
}

/* A number in hex (0x...) or decimal, the whole argument, at most max. */
static int number(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > max) {
		fprintf(stderr, "svcpu: '%s' is not a number up to %#" PRIx64 "\n", s, max);
		return -1;
	}
	*out = v;
	return 0;
}

struct op_name {
	const char *name;
	enum svcpu_op op;
	int nargs; /* after CPU */
};

static const struct op_name ops[] = {
	{ "rdmsr", SVCPU_RDMSR, 1 }, { "wrmsr", SVCPU_WRMSR, 2 }, { "xsetbv", SVCPU_XSETBV, 2 },
	{ "xgetbv", SVCPU_XGETBV, 1 }, { "invd", SVCPU_INVD, 0 },
};

int main(int argc, char **argv)
{
	const struct op_name *o = NULL;
	struct svcpu_req r;
	uint64_t cpu, index = 0, value = 0;

	if (argc < 3)
		return usage();
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(argv[1], ops[i].name))
			o = &ops[i];
	if (!o || argc != 3 + o->nargs)
		return usage();
	if (number(argv[2], UINT32_MAX, &cpu))
		return 2;
	if (o->nargs >= 1 && number(argv[3], UINT32_MAX, &index))
		return 2;
	if (o->nargs >= 2 && number(argv[4], UINT64_MAX, &value))
		return 2;

	memset(&r, 0, sizeof(r));
	r.op = o->op;
	r.cpu = (uint32_t)cpu;
	r.index = (uint32_t)index;
	r.value = value;
	int fd = open(SVCPU_DEVICE, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "svcpu: %s: %s (is svcpu.ko loaded?)\n", SVCPU_DEVICE, strerror(errno));
		return 2;
	}
	if (ioctl(fd, SVCPU_IOC_RUN, &r) < 0) {
		fprintf(stderr, "svcpu: %s on cpu %" PRIu64 ": %s\n", o->name, cpu, strerror(errno));
		close(fd);
		return 2;
	}
	close(fd);
	if (r.result) {
		fprintf(stderr, "svcpu: %s: %s\n", o->name, strerror(-r.result));
		return 2;
	}

	char what[64];
	switch (o->op) {
	case SVCPU_RDMSR:
		snprintf(what, sizeof(what), "rdmsr 0x%" PRIx64, index);
		break;
	case SVCPU_WRMSR:
		snprintf(what, sizeof(what), "wrmsr 0x%" PRIx64 " 0x%" PRIx64, index, value);
		break;
	case SVCPU_XSETBV:
		snprintf(what, sizeof(what), "xsetbv %" PRIu64 " 0x%" PRIx64, index, value);
		break;
	case SVCPU_XGETBV:
		snprintf(what, sizeof(what), "xgetbv %" PRIu64, index);
		break;
	default:
		snprintf(what, sizeof(what), "invd");
	}
	if (r.faulted) {
		if (r.vector == 13)
			printf("%s: #GP\n", what);
		else if (r.vector == 6)
			printf("%s: #UD\n", what);
		else
			printf("%s: fault %u\n", what, r.vector);
		return 1;
	}
	if (o->op == SVCPU_RDMSR || o->op == SVCPU_XGETBV)
		printf("%s: ok 0x%" PRIx64 "\n", what, (uint64_t)r.value);
	else
		printf("%s: ok\n", what);
	return 0;
}
