/*
 * DMA protection, the vendor-neutral half (documented in sv/iommu.h and
 * docs/iommu.md): finding the units in ACPI, the mode, the gate on
 * process loading, fault collection and the self-test pages.  The
 * registers are the vendors' (iommu_vtd.c, iommu_amdvi.c).
 */
#include <arch/cpu.h>
#include <sv/acpi_boot.h>
#include <sv/amdvi_fmt.h>
#include <sv/console.h>
#include <sv/dmar.h>
#include <sv/iommu.h>
#include <sv/ivrs.h>
#include <sv/lock.h>
#include <sv/mm.h>
#include <sv/proc_timer.h>

#include <sealvisor/hypercall.h>
#include <sv_config.h>

#include "fsstring.h"

enum iommu_mode iommu_mode = (enum iommu_mode)SV_IOMMU_MODE;
enum iommu_intr_mode iommu_intr_mode = IOMMU_INTR_AUTO;

static struct iommu_unit units[IOMMU_MAX_UNITS];
static unsigned int nunits;       /* found and mapped */
static unsigned int units_dropped; /* found but not usable: no protection */
static enum iommu_state state = IOMMU_STATE_NONE;
static const char *state_why = "no DMAR or IVRS table";
static struct acpi_table table;   /* the DMAR or IVRS the units came from */
static struct dmar_info dmar;
static struct ivrs_info ivrs;

static struct spinlock fault_lock = SPINLOCK_INIT;
static uint64_t faults;
static uint64_t intr_blocked; /* interrupt requests the units reported aborting */
static bool intr_blocking;    /* every unit blocks INIT/NMI/SMI/ExtINT from devices */
static const char *intr_why = "iommu_intr=auto"; /* why AMD-Vi filters or not */
static struct iommu_fault last;
static uint64_t last_poll_tsc;

/* The self-test pages: one in the image (.bss), one in the pool. */
static uint8_t canary_image[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint64_t canary_pool;

static const char *const mode_names[] = { "auto", "required", "off" };

const char *iommu_mode_name(enum iommu_mode m)
{
	return (unsigned int)m < ARRAY_SIZE(mode_names) ? mode_names[m] : "?";
}

int iommu_parse_mode(const char *s, size_t len, enum iommu_mode *out)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(mode_names); i++) {
		if (strlen(mode_names[i]) == len && !strncmp(s, mode_names[i], len)) {
			*out = (enum iommu_mode)i;
			return 0;
		}
	}
	return -SV_EINVAL;
}

static const char *const intr_names[] = { "auto", "block", "pass" };

const char *iommu_intr_name(enum iommu_intr_mode m)
{
	return (unsigned int)m < ARRAY_SIZE(intr_names) ? intr_names[m] : "?";
}

int iommu_parse_intr(const char *s, size_t len, enum iommu_intr_mode *out)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(intr_names); i++) {
		if (strlen(intr_names[i]) == len && !strncmp(s, intr_names[i], len)) {
			*out = (enum iommu_intr_mode)i;
			return 0;
		}
	}
	return -SV_EINVAL;
}

static void canary_fill(uint8_t *p)
{
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		p[i] = SV_IOMMU_CANARY_BYTE(i);
}

static bool canary_ok(const uint8_t *p)
{
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		if (p[i] != SV_IOMMU_CANARY_BYTE(i))
			return false;
	return true;
}

uint64_t iommu_canary_pa(unsigned int which)
{
	return which == 0 ? virt_to_phys(canary_image) : canary_pool;
}

bool iommu_canary_intact(unsigned int which)
{
	if (which == 0)
		return canary_ok(canary_image);
	return canary_pool && canary_ok(phys_to_virt(canary_pool));
}

/* Maps a unit's first register pages; false when the slots ran out. */
static bool map_regs(struct iommu_unit *u)
{
	u->nregs = (unsigned int)MIN(u->size / PAGE_SIZE, (uint64_t)IOMMU_REG_PAGES);
	for (unsigned int i = 0; i < u->nregs; i++) {
		u->regs[i] = paging_map_uc(u->base + (uint64_t)i * PAGE_SIZE);
		if (!u->regs[i])
			return false;
	}
	return true;
}

static void add_unit(const struct iommu_vendor *v, uint64_t base, uint64_t size, uint16_t seg,
		     uint16_t devid, uint16_t cap_off, uint8_t ivhd_flags)
{
	struct iommu_unit *u = &units[nunits];

	memset(u, 0, sizeof(*u));
	u->vendor = v;
	u->base = base;
	u->size = size;
	u->segment = seg;
	u->devid = devid;
	u->cap_off = cap_off;
	u->ivhd_flags = ivhd_flags;
	if (!map_regs(u)) {
		sv_printf("iommu: no mapping slot left for the %s registers at %lx\n", v->name,
			  (unsigned long)base);
		units_dropped++;
		return;
	}
	nunits++;
}

static void probe_dmar(const struct acpi_root *root)
{
	const char *why = NULL;

	if (acpi_table_find(root, "DMAR", 0, &table, &why) < 0)
		return;
	int r = dmar_parse(table.data, table.length, &dmar, &why);
	if (r < 0) {
		sv_printf("iommu: DMAR refused (%s: %s)\n", why, sv_strerror(r));
		units_dropped++;
		return;
	}
	sv_printf("iommu: DMAR: %u remapping unit(s), %u RMRR(s), host address width %u, interrupt remapping %s\n",
		  dmar.total_units, dmar.total_rmrr, dmar.haw,
		  (dmar.flags & DMAR_FLAG_INTR_REMAP) ? "offered (left off)" : "not offered");
	unsigned int tried = 0;
	for (; tried < dmar.nunits && nunits < IOMMU_MAX_UNITS; tried++)
		add_unit(&iommu_vtd, dmar.units[tried].base, dmar.units[tried].size,
			 dmar.units[tried].segment, 0, 0, 0);
	/* add_unit counted the ones it could not map; these were never tried. */
	units_dropped += dmar.total_units - tried;
	if (dmar.total_rmrr > dmar.nrmrr)
		sv_printf("iommu: %u RMRR(s) past the %u the VMM keeps: not checked against its memory\n",
			  dmar.total_rmrr - dmar.nrmrr, DMAR_MAX_RMRR);
}

static void probe_ivrs(const struct acpi_root *root)
{
	const char *why = NULL;

	if (acpi_table_find(root, "IVRS", 0, &table, &why) < 0)
		return;
	int r = ivrs_parse(table.data, table.length, &ivrs, &why);
	if (r < 0) {
		sv_printf("iommu: IVRS refused (%s: %s)\n", why, sv_strerror(r));
		units_dropped++;
		return;
	}
	sv_printf("iommu: IVRS: %u IOMMU(s) in %u IVHD block(s), %u memory definition(s), %u I/O APIC(s) named\n",
		  ivrs.total_units, ivrs.nblocks, ivrs.total_ivmd, ivrs.nioapic);
	unsigned int tried = 0;
	for (; tried < ivrs.nunits && nunits < IOMMU_MAX_UNITS; tried++)
		add_unit(&iommu_amdvi, ivrs.units[tried].base, 4 * PAGE_SIZE, ivrs.units[tried].segment,
			 ivrs.units[tried].devid, ivrs.units[tried].cap_off, ivrs.units[tried].flags);
	units_dropped += ivrs.total_units - tried;
}

unsigned int iommu_probe(const struct mb2_boot *mb, struct sv_range *out, unsigned int max)
{
	struct acpi_root root;
	const char *why, *from;

	canary_fill(canary_image);
	canary_pool = palloc_page();
	if (canary_pool)
		canary_fill(phys_to_virt(canary_pool));
	if (iommu_mode == IOMMU_MODE_OFF) {
		state = IOMMU_STATE_OFF;
		return 0;
	}
	int r = acpi_boot_root(mb, &root, &from, &why);
	if (r < 0) {
		state_why = "no ACPI tables";
		return 0;
	}
	probe_dmar(&root);
	if (nunits == 0 && units_dropped == 0)
		probe_ivrs(&root);
	unsigned int n = 0;
	for (unsigned int i = 0; i < nunits && n < max; i++)
		out[n++] = (struct sv_range){ units[i].base, units[i].size };
	return n;
}

/* RMRRs and unity ranges are identity-mapped already, unless the VMM hid them. */
static void check_reserved(uint64_t base, uint64_t len, const char *kind,
			   const struct sv_range *hidden, unsigned int nhidden)
{
	for (unsigned int i = 0; i < nhidden; i++) {
		if (hidden[i].size && ranges_overlap(base, len, hidden[i].base, hidden[i].size)) {
			sv_printf("iommu: WARNING: %s %lx-%lx overlaps VMM memory: device DMA there is blocked\n",
				  kind, (unsigned long)base, (unsigned long)(base + len - 1));
			return;
		}
	}
	sv_printf("iommu: %s %lx-%lx identity-mapped for its devices\n", kind, (unsigned long)base,
		  (unsigned long)(base + len - 1));
}

/*
 * One line at boot on what a device's interrupt can do to a CPU: an INIT
 * from a device that reaches a CPU while the VMM runs (a process call,
 * with GIF set on SVM) resets it out of the VMM (docs/iommu.md).
 */
static void say_interrupts(void)
{
	bool all = state == IOMMU_STATE_ON && nunits > 0;

	for (unsigned int i = 0; i < nunits && all; i++)
		all = units[i].on && units[i].intr_blocking;
	intr_blocking = all;
	if (all) {
		sv_printf("iommu: device interrupts: INIT, NMI, SMI and ExtINT from devices blocked by the AMD-Vi device table; fixed and lowest-priority pass unmapped (%s)\n",
			  intr_why);
		return;
	}
	if (state == IOMMU_STATE_OFF || state == IOMMU_STATE_NONE || nunits == 0) {
		sv_printf("iommu: no interrupt remapping (no IOMMU in use): a device's MSI can still send INIT/SMI/NMI (docs/iommu.md)\n");
		return;
	}
	if (units[0].vendor == &iommu_vtd) {
		sv_printf("iommu: VT-d interrupt remapping not used: a device's MSI can still send INIT/SMI/NMI (docs/iommu.md)\n");
		return;
	}
	if (units[0].intr_filter)
		sv_printf("iommu: AMD-Vi interrupt filtering not on every unit: a device's MSI can still send INIT/SMI/NMI (docs/iommu.md)\n");
	else
		sv_printf("iommu: AMD-Vi interrupt filtering off (%s): a device's MSI can still send INIT/SMI/NMI (docs/iommu.md)\n",
			  intr_why);
}

void iommu_enable(uint64_t span, const struct sv_range *hidden, unsigned int nhidden)
{
	unsigned int on = 0;

	if (state == IOMMU_STATE_OFF) {
		sv_printf("DMA protection: off (iommu=off): devices the guest programs can reach VMM memory\n");
		say_interrupts();
		return;
	}
	for (unsigned int i = 0; i < nunits; i++) {
		struct iommu_unit *u = &units[i];
		const char *why = "unknown";
		/* AMD-Vi blocks device INIT/NMI/SMI/ExtINT in its device table, where it can. */
		if (u->vendor == &iommu_amdvi)
			u->intr_filter = amdvi_intr_choice((unsigned int)iommu_intr_mode, ivrs.nioapic,
							   table.data, &intr_why) == AMDVI_INTR_FILTER;
		int r = u->vendor->enable(u, span, hidden, nhidden, &why);
		if (r < 0) {
			sv_printf("iommu: %s unit at %lx NOT programmed: %s (%s)\n", u->vendor->name,
				  (unsigned long)u->base, why, sv_strerror(r));
			continue;
		}
		u->on = true;
		on++;
		sv_printf("iommu: %s unit at %lx (segment %u) translating: identity domain over 0-%lx minus %u VMM range(s)\n",
			  u->vendor->name, (unsigned long)u->base, u->segment, (unsigned long)(span - 1),
			  nhidden);
	}
	for (unsigned int i = 0; i < dmar.nrmrr && on; i++)
		check_reserved(dmar.rmrr[i].base, dmar.rmrr[i].limit - dmar.rmrr[i].base + 1, "RMRR",
			       hidden, nhidden);
	for (unsigned int i = 0; i < ivrs.nivmd && on; i++)
		if (ivrs.ivmd[i].flags & (IVRS_IVMD_UNITY | IVRS_IVMD_EXCL))
			check_reserved(ivrs.ivmd[i].start, ivrs.ivmd[i].length, "IVMD range", hidden,
				       nhidden);
	if (on) {
		/* The guest must not find the units and reprogram them. */
		if (acpi_table_hide((void *)(uintptr_t)table.data, table.length) == 0)
			sv_printf("iommu: ACPI %s hidden from the guest (now X%s)\n", table.sig, table.sig + 1);
	}
	if (on && on == nunits && units_dropped == 0) {
		state = IOMMU_STATE_ON;
		sv_printf("DMA protection: on, %u %s unit(s); VMM memory is out of reach of device DMA (iommu=%s)\n",
			  on, units[0].vendor->name, iommu_mode_name(iommu_mode));
		say_interrupts();
		return;
	}
	if (nunits || units_dropped) {
		state = IOMMU_STATE_FAILED;
		state_why = "a remapping unit could not be programmed";
	}
	sv_printf("DMA protection: NONE (%s): devices the guest programs can reach VMM memory (iommu=%s)\n",
		  state_why, iommu_mode_name(iommu_mode));
	if (iommu_mode == IOMMU_MODE_REQUIRED)
		sv_printf("iommu=required: no process will be loaded (error %d, %s)\n", -SV_ENODMA,
			  sv_strerror(-SV_ENODMA));
	say_interrupts();
}

enum iommu_state iommu_state(void)
{
	return state;
}

unsigned int iommu_units_on(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nunits; i++)
		n += units[i].on;
	return n;
}

unsigned int iommu_vendor_id(void)
{
	if (!nunits)
		return 0;
	return units[0].vendor == &iommu_vtd ? 1 : 2;
}

uint64_t iommu_unit_base(unsigned int i)
{
	return i < nunits ? units[i].base : 0;
}

unsigned int iommu_units_found(void)
{
	return nunits + units_dropped;
}

int iommu_gate(const char *what)
{
	if (iommu_mode != IOMMU_MODE_REQUIRED || state == IOMMU_STATE_ON)
		return 0;
	sv_printf("iommu=required and no DMA protection (%s): %s refused (%d)\n", state_why, what,
		  -SV_ENODMA);
	return -SV_ENODMA;
}

static void report(const struct iommu_fault *f)
{
	if (f->intr) {
		sv_printf("iommu: blocked interrupt from %04x:%02x:%02x.%u to %lx (%s)\n", f->segment,
			  f->sid >> 8, (f->sid >> 3) & 0x1f, f->sid & 7, (unsigned long)f->addr, f->what);
		return;
	}
	sv_printf("iommu: blocked DMA %s by %04x:%02x:%02x.%u at %lx (%s)\n", f->write ? "write" : "read",
		  f->segment, f->sid >> 8, (f->sid >> 3) & 0x1f, f->sid & 7, (unsigned long)f->addr,
		  f->what);
}

void iommu_poll(void)
{
	struct iommu_fault got[8];

	if (state != IOMMU_STATE_ON && state != IOMMU_STATE_FAILED)
		return;
	spin_lock(&fault_lock);
	last_poll_tsc = rdtsc();
	for (unsigned int i = 0; i < nunits; i++) {
		if (!units[i].on)
			continue;
		/* Zeroed: a vendor sets only the fields it has (VT-d reports no interrupts). */
		memset(got, 0, sizeof(got));
		unsigned int n = units[i].vendor->poll(&units[i], got, ARRAY_SIZE(got));
		for (unsigned int k = 0; k < n; k++) {
			got[k].segment = units[i].segment;
			report(&got[k]);
			if (got[k].intr) {
				intr_blocked++;
				continue;
			}
			last = got[k];
			faults++;
		}
	}
	spin_unlock(&fault_lock);
}

void iommu_poll_maybe(void)
{
	uint64_t hz = proc_timer_tsc_hz();

	if (state != IOMMU_STATE_ON && state != IOMMU_STATE_FAILED)
		return;
	/* Every 5 ms at most: a VM exit must stay cheap. */
	if (hz && rdtsc() - __atomic_load_n(&last_poll_tsc, __ATOMIC_RELAXED) < hz / 200)
		return;
	iommu_poll();
}

uint64_t iommu_timeout_tsc(void)
{
	uint64_t hz = proc_timer_tsc_hz();

	return hz ? hz / 10 : 200000000ULL; /* uncalibrated: 100 ms at 2 GHz */
}

uint64_t iommu_fault_count(void)
{
	return __atomic_load_n(&faults, __ATOMIC_RELAXED);
}

uint64_t iommu_intr_blocked_count(void)
{
	return __atomic_load_n(&intr_blocked, __ATOMIC_RELAXED);
}

bool iommu_intr_blocking(void)
{
	return intr_blocking;
}

bool iommu_last_fault(struct iommu_fault *out)
{
	spin_lock(&fault_lock);
	*out = last;
	bool any = faults != 0;
	spin_unlock(&fault_lock);
	return any;
}
