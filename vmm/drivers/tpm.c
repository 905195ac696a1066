/*
 * The TPM 2.0 driver, the interface-neutral half (documented in sv/tpm.h
 * and docs/tpm.md): the ACPI table, the locality mode, the commands and
 * the gate on process loading.  The registers are the interfaces'
 * (tpm_tis.c, tpm_crb.c).
 *
 * Every event of the measurement log is extended into the PCR chosen
 * here (tpm_extend_event, from policy.c) before the code it measures
 * runs; what is not built yet is in docs/tpm.md.
 */
#include <arch/cpu.h>
#include <sv/acpi_boot.h>
#include <sv/console.h>
#include <sv/memmap.h>
#include <sv/mm.h>
#include <sv/proc_timer.h>
#include <sv/tpm.h>
#include <sv/vcpu.h>

#include <sealvisor/hypercall.h>

#include <sv_config.h>

#include "fsstring.h"

enum tpm_mode tpm_mode = (enum tpm_mode)SV_TPM_MODE;

enum tpm_state { TPM_NONE, TPM_OFF, TPM_REFUSED, TPM_BROKEN, TPM_WORKING };

static struct tpm_dev dev;
static enum tpm_state state = TPM_NONE;
static const char *state_why = "no ACPI TPM2 table";
static enum tpm_locality_mode loc_mode = TPM_LOC_NONE;
static unsigned int vmm_pcr, vmm_loc;
/* The anchor: whether a TPM error broke the PCR, and how many events went in. */
static bool pcr_broken;
static uint32_t pcr_extended;
/* Whether tpm_hidden_pages hid the TIS localities 1-4 from the guest. */
static bool pages_hidden;

static const char *const mode_names[] = { "auto", "required", "off" };

const char *tpm_mode_name(enum tpm_mode m)
{
	return (unsigned int)m < ARRAY_SIZE(mode_names) ? mode_names[m] : "?";
}

int tpm_parse_mode(const char *s, size_t len, enum tpm_mode *out)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(mode_names); i++) {
		if (strlen(mode_names[i]) == len && !strncmp(s, mode_names[i], len)) {
			*out = (enum tpm_mode)i;
			return 0;
		}
	}
	return -SV_EINVAL;
}

uint64_t tpm_deadline(unsigned int ms)
{
	uint64_t hz = proc_timer_tsc_hz();

	/* Uncalibrated: assume a fast TSC, so waits only get longer. */
	if (!hz)
		hz = 4000000000ULL;
	return rdtsc() + hz / 1000 * ms;
}

bool tpm_past(uint64_t deadline)
{
	return rdtsc() > deadline;
}

volatile uint8_t *tpm_map_page(uint64_t pa)
{
	volatile uint8_t *p = paging_map_uc(pa);

	if (!p)
		sv_printf("tpm: no uncached mapping slot left for %lx\n", (unsigned long)pa);
	return p;
}

/* One command: build, send, and the response's length (or a negative code). */
static uint8_t cmd[TPM_CMD_MAX], rsp[TPM_RSP_MAX];

static int send(int len, const char **why)
{
	if (len < 0) {
		*why = "command does not fit its buffer";
		return len;
	}
	return dev.t->transmit(&dev, cmd, (size_t)len, rsp, sizeof(rsp), why);
}

/*
 * TPM2_GetCapability(TPM_CAP_PCRS).  The firmware ran TPM2_Startup on a
 * normal boot; when it did not (TPM_RC_INITIALIZE), the VMM does,
 * Startup(CLEAR), as a boot loader would.
 */
static int read_banks(struct tpm2_pcr_banks *banks, const char **why)
{
	for (unsigned int attempt = 0; attempt < 2; attempt++) {
		int n = send(tpm2_build_get_capability(cmd, sizeof(cmd), TPM_CAP_PCRS, 0, TPM_MAX_BANKS), why);
		if (n < 0)
			return n;
		int r = tpm2_parse_cap_pcrs(rsp, (size_t)n, banks, why);
		if (r != TPM_RC_INITIALIZE || attempt)
			return r;
		sv_printf("tpm: TPM not started by the firmware: sending TPM2_Startup(CLEAR)\n");
		n = send(tpm2_build_startup(cmd, sizeof(cmd), TPM_SU_CLEAR), why);
		if (n < 0)
			return n;
		if ((r = tpm2_parse_empty(rsp, (size_t)n, why)) != 0)
			return r;
	}
	return -SV_EINVAL;
}

static int read_manufacturer(uint32_t *v, const char **why)
{
	int n = send(tpm2_build_get_capability(cmd, sizeof(cmd), TPM_CAP_TPM_PROPERTIES,
					       TPM_PT_MANUFACTURER, 1), why);

	return n < 0 ? n : tpm2_parse_cap_property(rsp, (size_t)n, TPM_PT_MANUFACTURER, v, why);
}

static int read_pcr(unsigned int pcr, uint8_t *digest, const char **why)
{
	int n = send(tpm2_build_pcr_read(cmd, sizeof(cmd), TPM_ALG_SHA256, pcr), why);

	return n < 0 ? n : tpm2_parse_pcr_read(rsp, (size_t)n, TPM_ALG_SHA256, pcr, digest,
					       TPM_SHA256_LEN, NULL, why);
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The vendor's four ASCII bytes ("IBM" and a NUL for swtpm): NULs dropped, others made printable. */
static void vendor_name(char out[5], uint32_t v)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < 4; i++) {
		char c = (char)(v >> (24 - 8 * i));
		if (c)
			out[n++] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	out[n] = '\0';
}

/*
 * Picks the locality: TIS with a working locality 2 (AMD, QEMU's
 * tpm-tis, Intel after TXT) gives the VMM a PCR only locality 2 may
 * extend; otherwise locality 0, where the guest's commands will have to
 * be mediated.
 */
static int pick_locality(const char **why)
{
	if (dev.t == &tpm_tis) {
		const char *why2 = NULL;
		if (dev.t->request_locality(&dev, 2, &why2) == 0) {
			loc_mode = TPM_LOC_2;
			vmm_pcr = 22;
			vmm_loc = 2;
			return 0;
		}
		sv_printf("tpm: locality 2 not granted (%s): locality 0\n", why2);
	}
	int r = dev.t->request_locality(&dev, 0, why);
	if (r == 0) {
		loc_mode = TPM_LOC_0_MEDIATED;
		vmm_pcr = 23;
		vmm_loc = 0;
	}
	return r;
}

static const char *loc_mode_name(enum tpm_locality_mode m)
{
	return m == TPM_LOC_2 ? "locality 2" : m == TPM_LOC_0_MEDIATED ? "locality 0 (mediated)" : "none";
}

/* Everything after the locality is held: banks, vendor, PCRs 17-23. */
static int survey(const char **why)
{
	struct tpm2_pcr_banks banks;
	uint64_t t0 = rdtsc();
	int r = read_banks(&banks, why);

	if (r > 0)
		*why = "GetCapability(PCRS) failed";
	if (r)
		return r;
	uint32_t want = 0xfe0000; /* PCRs 17-23 */
	if ((tpm2_bank_pcrs(&banks, TPM_ALG_SHA256) & want) != want) {
		*why = "no SHA-256 bank with PCRs 17-23";
		return -SV_ENODEV;
	}
	uint32_t vendor = 0;
	if (read_manufacturer(&vendor, why) < 0)
		vendor = 0; /* a missing vendor name does not make the TPM unusable */

	uint8_t d[7][TPM_SHA256_LEN];
	for (unsigned int p = 17; p <= 23; p++) {
		if ((r = read_pcr(p, d[p - 17], why)) != 0) {
			if (r > 0)
				*why = "PCR_Read failed";
			return r;
		}
	}
	char v[5], h[2 * TPM_SHA256_LEN + 1];
	vendor_name(v, vendor);
	hex(h, d[vmm_pcr - 17], TPM_SHA256_LEN);
	sv_printf("tpm: TPM 2.0 via %s at 0x%lx, %s, SHA-256 bank, PCR %u for the VMM (reads %.16s...)\n",
		  dev.t->name, (unsigned long)dev.acpi.base, loc_mode_name(loc_mode), vmm_pcr, h);
	sv_printf("tpm: vendor \"%s\"%s, SHA-256 PCR 17-23 begin:", v,
		  dev.t == &tpm_tis ? "" : " (CRB)");
	for (unsigned int p = 0; p < 7; p++) {
		hex(h, d[p], 4);
		sv_printf(" %s", h);
	}
	/* What the boot-time survey costs: 9 commands (banks, vendor, 7 PCRs). */
	uint64_t hz = proc_timer_tsc_hz();
	sv_printf(" (9 commands, %lu us)\n",
		  hz >= 1000000 ? (unsigned long)((rdtsc() - t0) / (hz / 1000000)) : 0UL);
	return 0;
}

static void give_up(enum tpm_state s, const char *what, const char *why, int r)
{
	state = s;
	state_why = what;
	loc_mode = TPM_LOC_NONE;
	if (r > 0)
		sv_printf("tpm: %s (%s: TPM response code %#x); running without a TPM (nothing is anchored)\n",
			  what, why, (unsigned int)r);
	else
		sv_printf("tpm: %s (%s: %s); running without a TPM (nothing is anchored)\n", what, why,
			  sv_strerror(r));
}

/* What the TPM's registers may not overlap: memory (not reserved) and the VMM. */
static struct sv_range forbid[MEMMAP_MAX + MEMMAP_MAX_HIDDEN];

static unsigned int make_forbid(const struct mem_range *map, unsigned int map_n,
				const struct sv_range *hidden, unsigned int nhidden)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < map_n && n < MEMMAP_MAX; i++)
		if (map[i].type != MEM_RESERVED && map[i].size)
			forbid[n++] = (struct sv_range){ map[i].base, map[i].size };
	for (unsigned int i = 0; i < nhidden && i < MEMMAP_MAX_HIDDEN; i++)
		forbid[n++] = hidden[i];
	return n;
}

void tpm_init(const struct mb2_boot *mb, const struct mem_range *map, unsigned int map_n,
	      const struct sv_range *hidden, unsigned int nhidden)
{
	unsigned int nforbid = make_forbid(map, map_n, hidden, nhidden);
	struct acpi_root root;
	struct acpi_table table;
	const char *why = "", *from;
	int r;

	if (tpm_mode == TPM_MODE_OFF) {
		state = TPM_OFF;
		state_why = "tpm=off";
		sv_printf("tpm: off (tpm=off): nothing is anchored\n");
		return;
	}
	if (acpi_boot_root(mb, &root, &from, &why) < 0 ||
	    (r = acpi_table_find(&root, "TPM2", 0, &table, &why)) == -SV_ENOENT) {
		sv_printf("tpm: none (nothing is anchored)\n");
		goto done;
	}
	dev.forbid = forbid;
	dev.nforbid = nforbid;
	if (r == 0)
		r = tpm2_acpi_parse(table.data, table.length, forbid, nforbid, &dev.acpi, &why);
	if (r < 0) {
		give_up(TPM_REFUSED, "ACPI TPM2 table refused", why, r);
		goto done;
	}
	dev.t = dev.acpi.iface == TPM_IFACE_TIS ? &tpm_tis : &tpm_crb;
	if ((r = dev.t->probe(&dev, &why)) < 0) {
		give_up(TPM_BROKEN, "TPM does not answer", why, r);
		goto done;
	}
	if ((r = pick_locality(&why)) < 0) {
		give_up(TPM_BROKEN, "no locality granted", why, r);
		goto done;
	}
	r = survey(&why);
	/* Whatever happened, the guest's driver must find the TPM free. */
	dev.t->release_locality(&dev, dev.locality);
	if (r) {
		give_up(TPM_BROKEN, "TPM answered wrongly", why, r);
		goto done;
	}
	state = TPM_WORKING;
	if (loc_mode == TPM_LOC_2 && pages_hidden)
		sv_printf("tpm: localities 1-4 hidden from the guest (they read as the sink page): PCR 22 is out of its reach; every measurement is extended into it\n");
	else if (loc_mode == TPM_LOC_2)
		sv_printf("tpm: localities 1-4 are not hidden from the guest: PCR 22 is not out of its reach (docs/tpm.md)\n");
	else
		sv_printf("tpm: the guest's TPM commands are not mediated yet: PCR 23 is not out of its reach (docs/tpm.md); every measurement is extended into it\n");
done:
	if (state != TPM_WORKING && tpm_mode == TPM_MODE_REQUIRED)
		sv_printf("tpm=required: no process will be loaded (error %d, %s)\n", -SV_ENOTPM,
			  sv_strerror(-SV_ENOTPM));
}

unsigned int tpm_hidden_pages(const struct mb2_boot *mb, const struct mem_range *map,
			      unsigned int map_n, const struct sv_range *hidden,
			      unsigned int nhidden, struct sv_range *out)
{
	unsigned int nforbid = make_forbid(map, map_n, hidden, nhidden);
	struct acpi_root root;
	struct acpi_table table;
	struct tpm2_acpi a;
	const char *why = "", *from;

	/* tpm=off: the guest keeps its whole TPM, as if Sealvisor were not there. */
	if (tpm_mode == TPM_MODE_OFF || acpi_boot_root(mb, &root, &from, &why) < 0 ||
	    acpi_table_find(&root, "TPM2", 0, &table, &why) < 0 ||
	    tpm2_acpi_parse(table.data, table.length, forbid, nforbid, &a, &why) < 0 ||
	    a.iface != TPM_IFACE_TIS)
		return 0; /* tpm_init says why, once */
	/*
	 * Hidden whether or not locality 2 turns out to work: Linux's
	 * tpm_tis uses locality 0 only, so the guest loses nothing.
	 */
	*out = (struct sv_range){ a.base + PAGE_SIZE, (uint64_t)(TPM_LOCALITY_PAGES - 1) * PAGE_SIZE };
	pages_hidden = true;
	return 1;
}

int tpm_extend_event(const uint8_t digest[32], const char *what)
{
	const char *why = "";
	int r;

	if (state != TPM_WORKING)
		return 0;
	if (pcr_broken) {
		if (tpm_mode == TPM_MODE_REQUIRED) {
			sv_printf("tpm: PCR %u is broken (tpm=required): %s refused (%d)\n", vmm_pcr, what,
				  -SV_ETPMBROKEN);
			return -SV_ETPMBROKEN;
		}
		sv_printf("tpm: PCR %u is broken: %s is logged but not anchored (tpm=auto)\n", vmm_pcr, what);
		return 0;
	}
	dev.seized = 0;
	r = dev.t->request_locality(&dev, vmm_loc, &why);
	if (dev.seized)
		sv_printf("tpm: locality %u held the TPM past TIMEOUT_A (%s): seized for locality %u\n",
			  dev.seized - 1,
			  dev.seized_busy ? "its command still ran after the command duration"
					  : "its command had finished",
			  vmm_loc);
	if (r == 0) {
		int n = send(tpm2_build_pcr_extend(cmd, sizeof(cmd), vmm_pcr, TPM_ALG_SHA256, digest,
						   TPM_SHA256_LEN), &why);
		r = n < 0 ? n : tpm2_parse_pcr_extend(rsp, (size_t)n, &why);
		dev.t->release_locality(&dev, vmm_loc);
	}
	if (r == 0) {
		pcr_extended++;
		return 0;
	}
	pcr_broken = true;
	if (r > 0)
		sv_printf("tpm: PCR_Extend of %s into PCR %u failed (TPM response code %#x): PCR %u is broken, it no longer matches the log; %s refused (%d)\n",
			  what, vmm_pcr, (unsigned int)r, vmm_pcr, what, -SV_ETPMBROKEN);
	else
		sv_printf("tpm: PCR_Extend of %s into PCR %u failed (%s: %s): PCR %u is broken, it no longer matches the log; %s refused (%d)\n",
			  what, vmm_pcr, why, sv_strerror(r), vmm_pcr, what, -SV_ETPMBROKEN);
	return -SV_ETPMBROKEN;
}

uint32_t tpm_measure_state(void)
{
	if (state != TPM_WORKING)
		return 0;
	return vmm_pcr | (pcr_broken ? SV_MEASURE_TPM_BROKEN : SV_MEASURE_TPM_ANCHORED) |
	       (MIN(pcr_extended, 0xffffu) << 16);
}

bool tpm_present(void)
{
	return state == TPM_WORKING;
}

enum tpm_locality_mode tpm_locality_mode(void)
{
	return loc_mode;
}

int tpm_gate(const char *what)
{
	if (tpm_mode != TPM_MODE_REQUIRED || state == TPM_WORKING)
		return 0;
	sv_printf("tpm=required and no working TPM (%s): %s refused (%d)\n", state_why, what,
		  -SV_ENOTPM);
	return -SV_ENOTPM;
}
