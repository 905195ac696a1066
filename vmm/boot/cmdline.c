/*
 * VMM command line.  GRUB passes the image path as the first word
 * ("/boot/sealvisor.elf console=com2"), which is skipped.  Nothing here
 * may stop the boot: a bad option is reported and its default kept.
 */
#include <sv/cmdline.h>
#include <sv/console.h>
#include <sv/iommu.h>
#include <sv/tpm.h>

#include <sv_config.h>

#include "fsstring.h"

bool cmdline_selftest_fault;
bool cmdline_selftest_ap_silent;
unsigned int cmdline_max_cpus = SV_MAX_CPUS;
bool cmdline_pti = true;

static void apply_word(const char *w, size_t len, bool first)
{
	const char *eq = NULL;

	for (size_t i = 0; i < len; i++) {
		if (w[i] == '=') {
			eq = &w[i];
			break;
		}
	}
	if (!eq) {
		if (first && w[0] == '/')
			return; /* the image path */
		sv_printf("command line: ignoring '%.*s' (expected key=value)\n", (int)len, w);
		return;
	}
	size_t klen = (size_t)(eq - w);
	const char *v = eq + 1;
	size_t vlen = len - klen - 1;

	if (klen == 0) {
		sv_printf("command line: ignoring '%.*s' (no option name)\n", (int)len, w);
		return;
	}

	if (klen == 7 && !strncmp(w, "console", 7)) {
		uint16_t port = console_parse_port(v, vlen);
		if (!port) {
			sv_printf("command line: console='%.*s' is not com1..com4 or a port; keeping %x\n",
				  (int)vlen, v, console_port());
			return;
		}
		if (port != console_port()) {
			sv_printf("console moves to port %x\n", port);
			console_init(port);
			sv_printf("console on port %x\n", port);
		}
		return;
	}
	if (klen == 8 && !strncmp(w, "selftest", 8)) {
		if (vlen == 5 && !strncmp(v, "fault", 5)) {
			cmdline_selftest_fault = true;
			return;
		}
		if (vlen == 9 && !strncmp(v, "ap-silent", 9)) {
			cmdline_selftest_ap_silent = true;
			return;
		}
		sv_printf("command line: selftest='%.*s' is not 'fault' or 'ap-silent'; ignored\n", (int)vlen, v);
		return;
	}
	if (klen == 3 && !strncmp(w, "pti", 3)) {
		if ((vlen == 2 && !strncmp(v, "on", 2)) || (vlen == 3 && !strncmp(v, "off", 3))) {
			cmdline_pti = vlen == 2;
			return;
		}
		sv_printf("command line: pti='%.*s' is not 'on' or 'off'; keeping %s\n", (int)vlen, v,
			  cmdline_pti ? "on" : "off");
		return;
	}
	if (klen == 8 && !strncmp(w, "max_cpus", 8)) {
		unsigned long n = 0;
		size_t i = 0;
		for (; i < vlen && v[i] >= '0' && v[i] <= '9' && n <= SV_MAX_CPUS; i++)
			n = n * 10 + (unsigned long)(v[i] - '0');
		if (i != vlen || vlen == 0 || n < 1 || n > SV_MAX_CPUS) {
			sv_printf("command line: max_cpus='%.*s' is not 1..%u (-Dmax_cpus); keeping %u\n",
				  (int)vlen, v, SV_MAX_CPUS, cmdline_max_cpus);
			return;
		}
		cmdline_max_cpus = (unsigned int)n;
		return;
	}
	if (klen == 5 && !strncmp(w, "iommu", 5)) {
		enum iommu_mode m;
		if (iommu_parse_mode(v, vlen, &m)) {
			sv_printf("command line: iommu='%.*s' is not auto, required or off; keeping %s\n",
				  (int)vlen, v, iommu_mode_name(iommu_mode));
			return;
		}
		iommu_mode = m;
		return;
	}
	if (klen == 3 && !strncmp(w, "tpm", 3)) {
		enum tpm_mode m;
		if (tpm_parse_mode(v, vlen, &m)) {
			sv_printf("command line: tpm='%.*s' is not auto, required or off; keeping %s\n",
				  (int)vlen, v, tpm_mode_name(tpm_mode));
			return;
		}
		tpm_mode = m;
		return;
	}
	if (klen == 10 && !strncmp(w, "iommu_intr", 10)) {
		enum iommu_intr_mode m;
		if (iommu_parse_intr(v, vlen, &m)) {
			sv_printf("command line: iommu_intr='%.*s' is not auto, block or pass; keeping %s\n",
				  (int)vlen, v, iommu_intr_name(iommu_intr_mode));
			return;
		}
		iommu_intr_mode = m;
		return;
	}
	sv_printf("command line: ignoring unknown option '%.*s'\n", (int)klen, w);
}

/* The line as given, for the measurement log (policy_init measures it). */
static char text[CMDLINE_TEXT_MAX + 1];
static size_t text_len;

const char *cmdline_text(size_t *len)
{
	*len = text_len;
	return text;
}

void cmdline_apply(const char *cmdline)
{
	const char *p = cmdline;
	bool first = true;

	text_len = strnlen(cmdline, CMDLINE_TEXT_MAX);
	memcpy(text, cmdline, text_len);
	text[text_len] = '\0';

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *start = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (p > start) {
			apply_word(start, (size_t)(p - start), first);
			first = false;
		}
	}
}
