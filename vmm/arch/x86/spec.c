/*
 * Speculation defences on the hardware: documented in arch/spec.h.  The
 * decisions are spec_plan.c's; this file reads the CPU, applies the plan
 * through wrmsr_safe (a refused write is reported, never a halt) and
 * does the L1D flush before VM entry.
 */
#include <arch/cpu.h>
#include <arch/spec.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/format.h>

#include "fsstring.h"

#define MSR_ARCH_CAPABILITIES 0x10A
#define MSR_FLUSH_CMD 0x10B
#define FLUSH_CMD_L1D 1
#define MSR_AMD_VIRT_SPEC_CTRL 0xC001011F
#define MSR_AMD_LS_CFG 0xC0011020
#define LS_CFG_SSBD_F17H (1ULL << 10)
#define MSR_AMD_DE_CFG 0xC0011029
#define DE_CFG_ZENBLEED (1ULL << 9)
#define EFER_AIBRSE (1ULL << 21)

/* Steps of the plan a CPU refused (a #GP from wrmsr_safe). */
#define REFUSED_SPEC_CTRL 1
#define REFUSED_AIBRSE 2
#define REFUSED_SSBD 4
#define REFUSED_ZENBLEED 8

uint64_t spec_host_ctrl;
uint8_t spec_verw_vmentry;

static struct spec_vm spec_vms[CPU_SLOTS];
static struct spec_plan boot_plan;
static bool boot_plan_set;

/*
 * The software L1D flush reads twice the L1D of the parts that need it
 * (32 KiB) in 64-byte lines, after one touch per page so that the loads
 * do not wait on page walks (Intel's L1TF guidance).  Its contents are
 * zeros: what it leaves in the L1D is no secret.
 */
#define L1D_FLUSH_SIZE (64 * 1024)
static uint8_t l1d_flush_buf[L1D_FLUSH_SIZE] __aligned(4096);

_Static_assert(__builtin_offsetof(struct spec_vm, guest_spec_ctrl) == SPEC_VM_GUEST, "spec_vm.guest");
_Static_assert(__builtin_offsetof(struct spec_vm, host_spec_ctrl) == SPEC_VM_HOST, "spec_vm.host");
_Static_assert(__builtin_offsetof(struct spec_vm, flags) == SPEC_VM_FLAGS, "spec_vm.flags");

static enum spec_vendor vendor_of(const struct cpuid_regs *r)
{
	char v[13];

	memcpy(v, &r->ebx, 4);
	memcpy(v + 4, &r->edx, 4);
	memcpy(v + 8, &r->ecx, 4);
	v[12] = 0;
	if (!strcmp(v, "GenuineIntel"))
		return SPEC_VENDOR_INTEL;
	if (!strcmp(v, "AuthenticAMD") || !strcmp(v, "HygonGenuine"))
		return SPEC_VENDOR_AMD;
	return SPEC_VENDOR_OTHER;
}

/* CPUID and ARCH_CAPABILITIES as the plan wants them, with the MSR probes. */
static void read_id(struct spec_cpu_id *id)
{
	struct cpuid_regs r;
	uint32_t max, ext;
	uint64_t v;

	*id = (struct spec_cpu_id){ 0 };
	cpuid_count(0, 0, &r);
	max = r.eax;
	id->vendor = vendor_of(&r);
	cpuid_count(1, 0, &r);
	id->leaf1_eax = r.eax;
	if (max >= 7) {
		cpuid_count(7, 0, &r);
		id->l7_ebx = r.ebx;
		id->l7_edx = r.edx;
		if (r.eax >= 2) {
			cpuid_count(7, 2, &r);
			id->l7_2_edx = r.edx;
		}
	}
	cpuid_count(0x80000000, 0, &r);
	ext = r.eax;
	if (ext >= 0x80000008 && ext < 0x8000ffff) {
		cpuid_count(0x80000008, 0, &r);
		id->e8_ebx = r.ebx;
	}
	if (ext >= 0x80000021 && ext < 0x8000ffff) {
		cpuid_count(0x80000021, 0, &r);
		id->e21_eax = r.eax;
		id->e21_ecx = r.ecx;
	}
	if ((id->l7_edx & SPEC_7D_ARCH_CAP) && rdmsr_safe(MSR_ARCH_CAPABILITIES, &v) == 0)
		id->arch_cap = v;

	/* Emulators list some of these without the MSR: a #GP says no. */
	bool ctrl = id->vendor == SPEC_VENDOR_INTEL
			    ? (id->l7_edx & (SPEC_7D_IBRS_IBPB | SPEC_7D_STIBP | SPEC_7D_SSBD))
			    : (id->e8_ebx & (SPEC_E8B_IBRS | SPEC_E8B_STIBP | SPEC_E8B_SSBD));
	bool pred = id->vendor == SPEC_VENDOR_INTEL ? (id->l7_edx & SPEC_7D_IBRS_IBPB)
						    : (id->e8_ebx & SPEC_E8B_IBPB);
	id->spec_ctrl_gp = ctrl && rdmsr_safe(MSR_SPEC_CTRL, &v) != 0;
	id->pred_cmd_gp = pred && wrmsr_safe(MSR_PRED_CMD, 1) != 0;
	id->flush_cmd_gp = (id->l7_edx & SPEC_7D_L1D_FLUSH) && wrmsr_safe(MSR_FLUSH_CMD, FLUSH_CMD_L1D) != 0;
}

static int set_msr_bits(uint32_t msr, uint64_t bits)
{
	uint64_t v;

	if (rdmsr_safe(msr, &v))
		return -1;
	if ((v & bits) == bits)
		return 0;
	return wrmsr_safe(msr, v | bits);
}

/* Writes what the plan says; returns the REFUSED_* steps, with *p fixed to match. */
static unsigned int apply(struct spec_plan *p)
{
	unsigned int refused = 0;

	if (p->zenbleed && set_msr_bits(MSR_AMD_DE_CFG, DE_CFG_ZENBLEED)) {
		refused |= REFUSED_ZENBLEED;
		p->zenbleed = false;
	}
	if (p->v2 == SPEC_V2_AUTOIBRS && set_msr_bits(MSR_EFER, EFER_AIBRSE)) {
		refused |= REFUSED_AIBRSE;
		p->v2 = SPEC_V2_NONE;
		p->open |= SPEC_OPEN_V2;
	}
	if ((p->ssbd == SPEC_SSBD_LS_CFG && set_msr_bits(MSR_AMD_LS_CFG, LS_CFG_SSBD_F17H)) ||
	    (p->ssbd == SPEC_SSBD_VIRT && wrmsr_safe(MSR_AMD_VIRT_SPEC_CTRL, SPEC_CTRL_SSBD))) {
		refused |= REFUSED_SSBD;
		p->ssbd = SPEC_SSBD_NONE;
		p->open |= SPEC_OPEN_SSB;
	}
	if (p->spec_ctrl && wrmsr_safe(MSR_SPEC_CTRL, p->host_spec_ctrl)) {
		refused |= REFUSED_SPEC_CTRL;
		p->spec_ctrl = false;
		p->host_spec_ctrl = 0;
	}
	return refused;
}

static bool same_plan(const struct spec_plan *a, const struct spec_plan *b)
{
	return a->spec_ctrl == b->spec_ctrl && a->host_spec_ctrl == b->host_spec_ctrl && a->v2 == b->v2 &&
	       a->stibp == b->stibp && a->ssbd == b->ssbd && a->bhi_dis_s == b->bhi_dis_s &&
	       a->l1d == b->l1d && a->verw_vmentry == b->verw_vmentry && a->verw_user == b->verw_user &&
	       a->ibpb == b->ibpb && a->ibpb_exit == b->ibpb_exit && a->zenbleed == b->zenbleed &&
	       a->open == b->open;
}

static const char *const v2_names[] = {
	[SPEC_V2_NONE] = NULL,
	[SPEC_V2_EIBRS] = "eIBRS",
	[SPEC_V2_AUTOIBRS] = "AutoIBRS",
	[SPEC_V2_IBRS] = "IBRS (written on every entry into the VMM)",
	[SPEC_V2_IBRS_ALWAYS] = "IBRS (always on)",
};
static const char *const ssbd_names[] = {
	[SPEC_SSBD_NONE] = NULL,
	[SPEC_SSBD_SPEC_CTRL] = "SSBD",
	[SPEC_SSBD_VIRT] = "SSBD (VIRT_SPEC_CTRL)",
	[SPEC_SSBD_LS_CFG] = "SSBD (LS_CFG)",
};

static void add(char *buf, size_t size, size_t *len, const char *s)
{
	if (!s || *len >= size)
		return;
	*len += (size_t)sv_snprintf(buf + *len, size - *len, "%s%s", *len ? ", " : "", s);
}

static void report(const char *who, const struct spec_plan *p, unsigned int refused)
{
	char buf[400];
	size_t n = 0;

	add(buf, sizeof(buf), &n,
	    p->l1d == SPEC_L1D_FLUSH_CMD ? "L1D flush on VM entry after a process (FLUSH_CMD)"
	    : p->l1d == SPEC_L1D_SOFTWARE ? "L1D flush on VM entry after a process (software)"
					  : NULL);
	add(buf, sizeof(buf), &n, p->verw_vmentry ? "VERW on VM entry and to ring 3" : NULL);
	add(buf, sizeof(buf), &n, v2_names[p->v2]);
	add(buf, sizeof(buf), &n, p->stibp ? "STIBP" : NULL);
	add(buf, sizeof(buf), &n, ssbd_names[p->ssbd]);
	add(buf, sizeof(buf), &n, p->bhi_dis_s ? "BHI_DIS_S" : NULL);
	add(buf, sizeof(buf), &n, p->ibpb ? "IBPB on process entry" : NULL);
	add(buf, sizeof(buf), &n, p->ibpb_exit ? "IBPB on every VM and ring-3 exit" : NULL);
	add(buf, sizeof(buf), &n, p->zenbleed ? "Zenbleed DE_CFG[9]" : NULL);
	add(buf, sizeof(buf), &n, p->spec_ctrl ? "SPEC_CTRL switched" : NULL);
	add(buf, sizeof(buf), &n, "RSB filled and registers cleared on every exit");
	sv_printf("speculation%s: %s\n", who, buf);

	n = 0;
	buf[0] = 0;
	for (unsigned int i = 0; i < SPEC_OPEN_COUNT; i++)
		add(buf, sizeof(buf), &n, (p->open & (1u << i)) ? spec_open_name(i) : NULL);
	add(buf, sizeof(buf), &n, (refused & REFUSED_SPEC_CTRL) ? "SPEC_CTRL write refused" : NULL);
	add(buf, sizeof(buf), &n, (refused & REFUSED_AIBRSE) ? "EFER.AIBRSE write refused" : NULL);
	add(buf, sizeof(buf), &n, (refused & REFUSED_SSBD) ? "SSBD MSR write refused" : NULL);
	add(buf, sizeof(buf), &n, (refused & REFUSED_ZENBLEED) ? "DE_CFG write refused" : NULL);
	sv_printf("speculation%s: open: %s\n", who, n ? buf : "none known");
}

void spec_setup_cpu(void)
{
	struct spec_cpu_id id;
	struct spec_plan p;
	struct spec_vm *sv = spec_vm_this();

	read_id(&id);
	spec_plan_decide(&id, &p);
	unsigned int refused = apply(&p);

	sv->guest_spec_ctrl = 0; /* SPEC_CTRL's reset value: what the guest starts with */
	sv->host_spec_ctrl = p.spec_ctrl ? p.host_spec_ctrl : 0;
	sv->flags = (p.spec_ctrl ? SPEC_VM_CTRL : 0) | (p.v2 == SPEC_V2_IBRS ? SPEC_VM_ALWAYS : 0) |
		    (p.ibpb_exit ? SPEC_VM_IBPB_EXIT : 0) | (p.verw_vmentry ? SPEC_VM_VERW : 0) |
		    (p.l1d == SPEC_L1D_FLUSH_CMD ? SPEC_VM_L1D_CMD : 0) |
		    (p.l1d == SPEC_L1D_SOFTWARE ? SPEC_VM_L1D_SW : 0);
	sv->l1d_pending = 0;

	if (!boot_plan_set) {
		boot_plan = p;
		boot_plan_set = true;
		spec_host_ctrl = sv->host_spec_ctrl;
		spec_verw_vmentry = p.verw_vmentry;
		sv_printf("speculation inputs: vendor %d 1.eax %x 7.ebx %x 7.edx %x 7.2.edx %x "
			  "80000008.ebx %x 80000021.eax %x .ecx %x arch_cap %lx gp %d%d%d\n",
			  (int)id.vendor, id.leaf1_eax, id.l7_ebx, id.l7_edx, id.l7_2_edx, id.e8_ebx,
			  id.e21_eax, id.e21_ecx, (unsigned long)id.arch_cap, id.spec_ctrl_gp,
			  id.pred_cmd_gp, id.flush_cmd_gp);
		report("", &p, refused);
		return;
	}
	if (!same_plan(&p, &boot_plan) || refused) {
		char who[24];
		sv_snprintf(who, sizeof(who), " (cpu %u differs)", cpu_index());
		report(who, &p, refused);
	}
}

const struct spec_plan *spec_boot_plan(void)
{
	return &boot_plan;
}

struct spec_vm *spec_vm_this(void)
{
	return &spec_vms[cpu_index()];
}

void spec_note_process(void)
{
	spec_vm_this()->l1d_pending = 1;
}

static void l1d_flush_software(void)
{
	const volatile uint8_t *b = l1d_flush_buf;

	for (size_t off = 0; off < L1D_FLUSH_SIZE; off += PAGE_SIZE)
		(void)b[off];
	for (size_t off = 0; off < L1D_FLUSH_SIZE; off += 64)
		(void)b[off];
}

void spec_before_vmentry(struct spec_vm *sv)
{
	if (!sv->l1d_pending)
		return;
	sv->l1d_pending = 0;
	if (sv->flags & SPEC_VM_L1D_CMD)
		wrmsr(MSR_FLUSH_CMD, FLUSH_CMD_L1D);
	else if (sv->flags & SPEC_VM_L1D_SW)
		l1d_flush_software();
	else
		return;
	/* Once per CPU: the boot tests see that the path ran (an emulator shows nothing else). */
	if (!sv->l1d_told) {
		sv->l1d_told = 1;
		sv_printf("speculation: cpu %u flushed its L1D before a VM entry after a process ran (%s)\n",
			  cpu_index(), (sv->flags & SPEC_VM_L1D_CMD) ? "FLUSH_CMD" : "software");
	}
}
