/*
 * vmmctl: looks after Sealvisor's processes from the guest.
 *   vmmctl ps                 processes: descriptor, id, name, width, memory, state
 *   vmmctl send DESC VALUE    sends VALUE to DESC's handler, prints its result
 *   vmmctl kill DESC          kills the process DESC reaches
 *   vmmctl kill-id ID         kills by process id (from ps), for those no descriptor reaches
 *   vmmctl close DESC         closes the descriptor (the process lives on)
 *   vmmctl log                prints the VMM's log ring
 *   vmmctl audit              prints every newprocess attempt still kept
 *   vmmctl cpus               the CPUs the VMM holds: state, SIPIs, VM exits
 *   vmmctl input DESC LINE... queues lines for the process's lineinput
 *   vmmctl revoke LIST SIG    loads a signed revocation list (docs/signatures.md)
 *   vmmctl measure            the measurement register and its event log, in the
 *                             text form vmmsign replay / svreplay read back
 *   vmmctl iommu              DMA protection: state, units, blocked DMAs
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcall.h"
#include "svfile.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: vmmctl ps | send DESC VALUE | kill DESC | kill-id ID | close DESC | log | audit | cpus | iommu\n"
		   "              | input DESC LINE... | revoke LIST SIG | measure\n"
		   "  ps          list processes: descriptor, id, name, width, memory, state\n"
		   "  send        send an integer message; prints the handler's result\n"
		   "  kill        kill the process a descriptor reaches (kill-id: by process id)\n"
		   "  close       close a descriptor\n"
		   "  log         print the hypervisor's log\n"
		   "  audit       print every load attempt: time, SHA-256, key id, result\n"
		   "  cpus        the CPUs under the hypervisor: APIC id, state, SIPIs, VM exits\n"
		   "  input       queue each LINE (\"\" for an empty one) for the process's lineinput\n"
		   "  revoke      load a revocation list and its signature; revoked processes are killed\n"
		   "  measure     print the measurement register and event log (for vmmsign replay)\n"

		   "  iommu       DMA protection: state, remapping units, blocked DMAs\n");
}

static int number(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 0);
	if (errno || end == s || *end || *out < INT32_MIN || *out > INT32_MAX) {
		fprintf(stderr, "vmmctl: '%s' is not a number\n", s);
		return -1;
	}
	return 0;
}

static int fail(const char *what, int64_t rc)
{
	fprintf(stderr, "vmmctl: %s: %s (%" PRId64 ")\n", what, sv_error_message(rc), rc);
	return 1;
}

static void hex(const uint8_t *p, int n)
{
	for (int i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static int ps(void)
{
	static struct sv_ps_entry2 e[1024];
	/* The VMM does not page memory in: touch the buffer first. */
	memset(e, 0, sizeof(e));
	int64_t n = sv_call(SV_HC_PS2, (uint64_t)(uintptr_t)e, 1024, 0, 0);

	if (n < 0)
		return fail("ps", n);
	printf("%-6s %-10s %-12s %-5s %-8s %-8s %-16s %-16s %-10s %s\n", "DESC", "ID", "NAME", "BITS",
	       "MEMORY", "STATE", "SHA-256", "PRODUCT", "SVN", "KEY");
	for (int64_t i = 0; i < n; i++) {
		const struct sv_ps_entry *v = &e[i].v1;
		char desc[16];
		if (v->desc >= 0)
			snprintf(desc, sizeof(desc), "%d", v->desc);
		else
			snprintf(desc, sizeof(desc), "-");
		printf("%-6s %-10d %-12s %-5u %5" PRIu64 "KiB %-8s ", desc, v->id, v->name,
		       v->elf_class, v->pages * 4, v->state == 2 ? "alive" : "loading");
		if (e[i].key >= 0) {
			hex(v->sha256, 8);
			printf(" %-16.31s %-10u ", e[i].product, e[i].svn);
			hex(e[i].key_id, 4);
		} else {
			printf("%-16s %-16s %-10s %s", "(built-in)", "-", "-", "-");
		}
		printf("\n");
	}
	return 0;
}

static void hex_or_dash(const uint8_t *p, int n)
{
	static const uint8_t zero[32];

	if (memcmp(p, zero, (size_t)n))
		hex(p, n);
	else
		printf("-");
}

static int audit(void)
{
	static struct sv_audit_entry2 r[64];
	memset(r, 0, sizeof(r));
	int64_t n = sv_call(SV_HC_AUDIT2, (uint64_t)(uintptr_t)r, 64, 0, 0);

	if (n < 0)
		return fail("audit", n);
	if (n > 0 && r[0].v1.seq > 1)
		printf("(%" PRIu64 " older records overwritten; the VMM keeps the last 64)\n", r[0].v1.seq - 1);
	for (int64_t i = 0; i < n; i++) {
		const struct sv_audit_entry *a = &r[i].v1;
		static const char *const kinds[] = { "load", "revoke", "kill" };
		printf("#%" PRIu64 " t=%" PRIu64 ".%06" PRIu64 "s %s size=%" PRIu64 " sha256=", a->seq,
		       a->time_us / 1000000, a->time_us % 1000000, r[i].kind < 3 ? kinds[r[i].kind] : "?",
		       a->size);
		hex_or_dash(a->sha256, 32);
		printf(" key=");
		hex_or_dash(a->key_id, 8);
		if (r[i].kind == SV_AUDIT_REVLIST)
			printf(" version=%" PRIu64, r[i].list_version);
		else
			printf(" product=%.31s svn=%u min=%u id=%d", r[i].product[0] ? r[i].product : "-",
			       r[i].svn, r[i].min_svn, r[i].proc_id);
		if (r[i].kind == SV_AUDIT_KILL)
			printf(" result=killed: %s (%d)\n", sv_error_message(a->result), a->result);
		else if (a->result >= 0 && r[i].kind == SV_AUDIT_LOAD)
			printf(" result=loaded desc %d\n", a->result);
		else if (a->result >= 0)
			printf(" result=in force\n");
		else
			printf(" result=refused: %s (%d)\n", sv_error_message(a->result), a->result);
	}
	return 0;
}

/* Revocation: the list and its signature, as vmmload hands a binary over. */
static int revoke(const char *list_path, const char *sig_path)
{
	size_t len, siglen;
	void *list = sv_read_locked("vmmctl", list_path, &len);
	void *sig = list ? sv_read_locked("vmmctl", sig_path, &siglen) : NULL;

	if (!sig)
		return 1;
	int64_t r = sv_call(SV_HC_REVOKE, (uint64_t)(uintptr_t)list, len, (uint64_t)(uintptr_t)sig,
			    siglen);
	if (r < 0)
		return fail("revoke", r);
	printf("revocation list in force; %" PRId64 " process(es) killed\n", r);
	return 0;
}

static void measure_decode(const struct sv_measure_event *e)
{
	const uint8_t *d = e->data;

	printf("#   ");
	switch (e->type) {
	case SV_MEV_VMM_IMAGE:
		printf("vmm-image sha256=");
		hex(d, 32);
		break;
	case SV_MEV_TRUSTED_KEYS:
		printf("trusted-keys count=%u sha256=", d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24);
		hex(d + 8, 32);
		break;
	case SV_MEV_LOAD:
		printf("load product=%.32s svn=%u binary=", (const char *)d + 72,
		       d[64] | d[65] << 8 | d[66] << 16 | (uint32_t)d[67] << 24);
		hex(d, 32);
		printf(" key=");
		hex(d + 32, 8);
		break;
	case SV_MEV_REVLIST: {
		uint64_t v = 0;
		for (int i = 7; i >= 0; i--)
			v = v << 8 | d[64 + i];
		printf("revlist version=%" PRIu64 " list=", v);
		hex(d, 32);
		printf(" key=");
		hex(d + 32, 8);
		break;
	}
	case SV_MEV_CMDLINE:
		printf("cmdline bytes=%u sha256=", d[32] | d[33] << 8 | d[34] << 16 | (uint32_t)d[35] << 24);
		hex(d, 32);
		printf(" text=\"%.80s\"", (const char *)d + 40);
		break;
	case SV_MEV_OVERFLOW:
		printf("overflow: later events extended the register unlogged");
		break;
	default:
		printf("type %u", e->type);
	}
	printf("\n");
}

/*
 * The register and every event, in the form the replay tools read:
 *   register HEX / count N / event I TYPE DIGEST DATA, '#' lines decoded.
 */
static int measure(void)
{
	static struct sv_measure_event ev[64];
	struct sv_measure_info info;
	uint32_t done = 0;

	memset(ev, 0, sizeof(ev));
	memset(&info, 0, sizeof(info));
	int64_t n = sv_call(SV_HC_MEASURE, (uint64_t)(uintptr_t)&info, (uint64_t)(uintptr_t)ev, 64, 0);
	if (n < 0)
		return fail("measure", n);
	/* Events are only ever appended: the first call's register covers count events. */
	uint32_t count = info.count;
	printf("# Sealvisor measurement log (%u of %u events)\nregister ", count, info.capacity);
	hex(info.reg, 32);
	printf("\ncount %u\n", count);
	/* The TPM anchor (docs/tpm.md): a comment line, the replay tools skip it. */
	if (!SV_MEASURE_TPM_PCR(info.tpm))
		printf("# tpm: none (nothing is anchored)\n");
	else
		printf("# tpm: PCR %u, %s, %u events extended\n", SV_MEASURE_TPM_PCR(info.tpm),
		       info.tpm & SV_MEASURE_TPM_BROKEN ? "broken (it no longer matches this log)"
							: "anchored",
		       SV_MEASURE_TPM_EXTENDED(info.tpm));
	while (done < count) {
		for (int64_t i = 0; i < n && done < count; i++, done++) {
			printf("event %u %u ", done, ev[i].type);
			hex(ev[i].digest, 32);
			printf(" ");
			hex(ev[i].data, (int)(ev[i].data_len <= SV_MEASURE_DATA_MAX ? ev[i].data_len : 0));
			printf("\n");
			measure_decode(&ev[i]);
		}
		if (done == count)
			break;
		struct sv_measure_info again;
		n = sv_call(SV_HC_MEASURE, (uint64_t)(uintptr_t)&again, (uint64_t)(uintptr_t)ev, 64, done);
		if (n <= 0)
			return fail("measure", n < 0 ? n : -SV_ERANGE);
	}
	return 0;
}

static int log_dump(void)
{
	static char buf[65536];
	struct sv_stats st;
	uint64_t off = 0;

	memset(buf, 0, sizeof(buf));
	memset(&st, 0, sizeof(st));
	/* Start at the oldest byte the ring still holds. */
	if (sv_call(SV_HC_STATS, (uint64_t)(uintptr_t)&st, sizeof(st), 0, 0) == (int64_t)sizeof(st) &&
	    st.log_total > st.log_ring_size) {
		off = st.log_total - st.log_ring_size;
		printf("(%" PRIu64 " older bytes overwritten; the VMM keeps the last %" PRIu64 ")\n", off,
		       st.log_ring_size);
	}
	for (;;) {
		int64_t n = sv_call(SV_HC_LOG, (uint64_t)(uintptr_t)buf, sizeof(buf), off, 0);
		if (n < 0)
			return fail("log", n);
		if (n == 0)
			break;
		fwrite(buf, 1, (size_t)n, stdout);
		off += (uint64_t)n;
	}
	return 0;
}

static int iommu(void)
{
	static const char *const states[] = { "off (iommu=off)", "NONE: no remapping unit found",
					      "on", "NONE: a unit could not be programmed" };
	static const char *const vendors[] = { "", "Intel VT-d", "AMD-Vi" };
	static const char *const modes[] = { "auto", "required", "off" };
	struct sv_iommu_info s;

	memset(&s, 0, sizeof(s));
	int64_t r = sv_call(SV_HC_IOMMU, (uint64_t)(uintptr_t)&s, sizeof(s), 0, 0);
	if (r < 0)
		return fail("iommu", r);
	printf("DMA protection: %s; iommu=%s\n", s.state < 4 ? states[s.state] : "?",
	       s.mode < 3 ? modes[s.mode] : "?");
	if (s.units_found)
		printf("units: %u of %u translating (%s)\n", s.units, s.units_found,
		       s.vendor < 3 ? vendors[s.vendor] : "?");
	printf("blocked DMAs: %" PRIu64 "\n", s.faults);
	static const char *const intr_modes[] = { "auto", "block", "pass" };
	printf("device INIT/NMI/SMI/ExtINT: %s (iommu_intr=%s); blocked interrupts reported: %" PRIu64 "\n",
	       s.intr_blocking ? "blocked" : "NOT blocked", s.intr_mode < 3 ? intr_modes[s.intr_mode] : "?",
	       s.intr_blocked);
	if (s.faults)
		printf("last: %s by %02x:%02x.%u at %" PRIx64 "\n", s.last_write ? "write" : "read",
		       s.last_sid >> 8, (s.last_sid >> 3) & 0x1f, s.last_sid & 7, s.last_addr);
	return 0;
}

static int cpus(void)
{
	static const char *const states[] = { "absent", "starting", "did not answer", "held",
					      "waiting for SIPI", "running the guest" };
	static const char *const names[] = SV_STATS_EXIT_NAMES;

	printf("%-4s %-8s %-18s %6s %12s  %s\n", "cpu", "apic id", "state", "sipis", "vm exits",
	       "most frequent");
	for (uint64_t i = 0;; i++) {
		struct sv_cpu_stats s;
		memset(&s, 0, sizeof(s));
		int64_t r = sv_call(SV_HC_CPUSTAT, i, (uint64_t)(uintptr_t)&s, sizeof(s), 0);
		if (r == -SV_ENOENT)
			return 0;
		if (r < 0)
			return fail("cpus", r);
		unsigned int top = 0;
		for (unsigned int j = 1; j < SV_STATS_EXIT_REASONS; j++)
			top = s.exits[j] > s.exits[top] ? j : top;
		printf("%-4u %-8u %-18s %6u %12" PRIu64 "  %s (%" PRIu64 ")%s\n", s.index, s.apic_id,
		       s.state < 6 ? states[s.state] : "?", s.sipis, s.exits_total, names[top], s.exits[top],
		       s.caller ? "  <- this CPU" : "");
	}
}

int main(int argc, char **argv)
{
	long a, b;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	int orc = sv_open();
	if (orc != 0) {
		fprintf(stderr, "vmmctl: %s\n", sv_error_message(orc));
		return 1;
	}
	if (!strcmp(argv[1], "ps") && argc == 2)
		return ps();
	if (!strcmp(argv[1], "audit") && argc == 2)
		return audit();
	if (!strcmp(argv[1], "log") && argc == 2)
		return log_dump();
	if (!strcmp(argv[1], "cpus") && argc == 2)
		return cpus();
	if (!strcmp(argv[1], "revoke") && argc == 4)
		return revoke(argv[2], argv[3]);
	if (!strcmp(argv[1], "measure") && argc == 2)
		return measure();
	if (!strcmp(argv[1], "iommu") && argc == 2)
		return iommu();
	if (!strcmp(argv[1], "send") && argc == 4) {
		if (number(argv[2], &a) || number(argv[3], &b))
			return 2;
		/* msgcall: the handler's result, whatever its value, apart from the VMM's errors. */
		struct sv_msgcall m;
		memset(&m, 0, sizeof(m));
		m.desc = a;
		m.value = (int32_t)b;
		int64_t r = sv_call(SV_HC_MSGCALL, (uint64_t)(uintptr_t)&m, 0, 0, 0);
		if (r != 0)
			return fail("send", r);
		printf("%" PRId32 "\n", m.result);
		return 0;
	}
	if (!strcmp(argv[1], "input") && argc >= 3) {
		static char buf[4096]; /* the VMM's queue holds no more (PROC_INPUT_MAX) */
		size_t n = 0;
		if (number(argv[2], &a))
			return 2;
		memset(buf, 0, sizeof(buf));
		for (int i = 3; i < argc; i++) {
			size_t l = strlen(argv[i]);
			if (memchr(argv[i], '\n', l) || l + 1 > sizeof(buf) - n) {
				fprintf(stderr, "vmmctl: input: lines hold no newline, 4096 bytes in all\n");
				return 2;
			}
			memcpy(buf + n, argv[i], l);
			buf[n + l] = '\n';
			n += l + 1;
		}
		int64_t r = sv_call(SV_HC_PROCINPUT, (uint64_t)a, (uint64_t)(uintptr_t)buf, n, 0);
		if (r < 0)
			return fail("input", r);
		return 0;
	}
	if ((!strcmp(argv[1], "kill") || !strcmp(argv[1], "kill-id") || !strcmp(argv[1], "close")) &&
	    argc == 3) {
		if (number(argv[2], &a))
			return 2;
		int64_t r = !strcmp(argv[1], "close")
				    ? sv_call(SV_HC_MSGCLOSE, (uint64_t)a, 0, 0, 0)
				    : sv_call(SV_HC_KILL, (uint64_t)a, !strcmp(argv[1], "kill-id"), 0, 0);
		if (r < 0)
			return fail(argv[1], r);
		return 0;
	}
	usage(stderr);
	return 2;
}
