/*
 * The guest's INIT and SIPI; see include/sv/apic.h for the design.
 *
 * Emulating an xAPIC access: the nested page fault gives the physical
 * address; the instruction at the guest's RIP (fetched through its page
 * tables) gives direction, width and register (guest/mmio_insn.c).  The
 * access is then done on this CPU's real LAPIC through the VMM's own
 * uncached mapping (every CPU sees its own LAPIC at the same address),
 * except an ICR write, which goes through icr_write().
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/lapic.h>
#include <sv/apic.h>
#include <sv/apic_rules.h>
#include <sv/console.h>
#include <sv/cpuid.h>
#include <sv/cpu.h>
#include <sv/guest_mem.h>
#include <sv/hypercall.h>
#include <sv/machine.h>
#include <sv/mmio_insn.h>

#include <sv_config.h>

#include "fsstring.h"

#define VEC_UD 6
#define VEC_GP 13

static uint64_t trapped_pa; /* the xAPIC page absent from the nested tables, or 0 */
/*
 * Filter mode (VMX when some CPU is not under the VMM): INIT/SIPI to a CPU
 * that runs a vCPU go on to the hardware, which handles them in VMX
 * non-root operation; to any other CPU they are dropped.
 */
static bool filter_only;

/* #SX: an INIT reached this CPU in host mode (SVM with R_INIT); ours to act on. */
static void sx_init(struct trap_frame *f)
{
	struct sv_cpu *c = this_cpu();

	(void)f;
	if (c->index == 0) {
		sv_printf("an INIT reached the boot CPU: resetting the machine\n");
		machine_reset();
	}
	__atomic_fetch_or(&c->mbox, MBOX_INIT, __ATOMIC_SEQ_CST);
}

int apic_trap_init(const struct sv_vcpu_ops *ops)
{
	trap_sx_hook = sx_init;
	if (ops->hw_sipi)
		return 0;
	uint64_t pa = lapic_base_pa();
	if (!pa)
		return -SV_ENODEV;
	int rc = ops->trap_page(pa);
	if (rc)
		return rc;
	trapped_pa = pa;
	return 0;
}

int apic_trap_unknown_cpus(const struct sv_vcpu_ops *ops)
{
	if (trapped_pa)
		return 0;
	uint64_t pa = lapic_base_pa();
	if (!pa || !ops->trap_page)
		return -SV_ENODEV;
	int rc = ops->trap_page(pa);
	if (rc)
		return rc;
	if (ops->trap_apic_msrs)
		ops->trap_apic_msrs();
	trapped_pa = pa;
	filter_only = true;
	sv_printf("smp: not every CPU is known to the VMM: the guest's INIT/SIPI are filtered "
		  "(every guest xAPIC access now exits)\n");
	return 0;
}

static bool runs_vcpu(const struct sv_cpu *c)
{
	return c->state == CPU_READY || c->state == CPU_GUEST;
}

/*
 * Filter mode: INIT/SIPI on to c if it runs a vCPU, as one physical IPI
 * that icr_plan() rebuilt (no logical bit, no shorthand); nothing to a
 * CPU outside the VMM.
 */
static void filter_send(struct sv_cpu *me, struct sv_cpu *c, const struct icr_plan *p)
{
	if (!runs_vcpu(c))
		return;
	if (p->mode == ICR_MODE_INIT && c->index == 0) {
		sv_printf("cpu %u sent INIT to the boot CPU: resetting the machine\n", me->index);
		machine_reset();
	}
	lapic_send_ipi(c->apic_id, p->send_low);
}

/* Makes c look at its mailbox soon: an NMI, which exits or interrupts it. */
static void kick(struct sv_cpu *c)
{
	__atomic_store_n(&c->kick, 1, __ATOMIC_SEQ_CST);
	if (c != this_cpu())
		lapic_send_ipi(c->apic_id, ICR_NMI);
}

bool apic_nmi_is_kick(struct sv_cpu *c)
{
	return __atomic_exchange_n(&c->kick, 0, __ATOMIC_SEQ_CST) != 0;
}

static void post(struct sv_cpu *c, uint32_t msg)
{
	if (c->state != CPU_READY && c->state != CPU_GUEST)
		return; /* held CPUs never start */
	__atomic_fetch_or(&c->mbox, msg, __ATOMIC_SEQ_CST);
	kick(c);
}

/* INIT or SIPI to one vCPU, as the guest addressed it. */
static void deliver(struct sv_cpu *from, struct sv_cpu *to, unsigned int mode, uint8_t vector)
{
	if (mode == ICR_MODE_INIT) {
		if (to->index == 0) {
			sv_printf("cpu %u sent INIT to the boot CPU: resetting the machine\n", from->index);
			machine_reset();
		}
		post(to, MBOX_INIT);
	} else {
		/* The vector goes with the SIPI bit; a second SIPI overwrites it. */
		uint32_t old = to->mbox, want;
		do {
			want = (old & MBOX_INIT) | MBOX_SIPI | vector;
		} while (!__atomic_compare_exchange_n(&to->mbox, &old, want, false, __ATOMIC_SEQ_CST,
						      __ATOMIC_SEQ_CST));
		post(to, 0);
	}
}

/* Says once per kind why the guest's INIT/SIPI went nowhere. */
static void say_dropped(const struct icr_plan *p)
{
	static bool said[ICR_DELIVER + 1];
	const char *what = p->mode == ICR_MODE_INIT ? "INIT" : "SIPI";

	if (said[p->action])
		return;
	said[p->action] = true;
	switch (p->action) {
	case ICR_DROP_LOGICAL:
		sv_printf("guest sent %s in logical destination mode: not supported, dropped\n", what);
		break;
	case ICR_DROP_BROADCAST:
		sv_printf("guest sent %s to the broadcast APIC id: dropped\n", what);
		break;
	case ICR_DROP_SELF:
		sv_printf("guest sent %s to itself (self or all-including-self shorthand): dropped\n", what);
		break;
	default:
		break;
	}
}

/*
 * A guest ICR write.  dest is the destination field as the mode has it
 * (xAPIC: 8 bits, x2APIC: 32 bits).  Returns true when it was INIT/SIPI
 * and so handled here; false when it must go to the real LAPIC.
 */
static bool icr_write(uint32_t low, uint32_t dest)
{
	struct icr_plan p;

	icr_plan(low, dest, filter_only, lapic_x2apic(), &p);
	if (p.action == ICR_PASS)
		return false;
	if (p.action != ICR_DELIVER) {
		say_dropped(&p);
		return true;
	}
	struct sv_cpu *me = this_cpu();
	for (unsigned int i = 0; i < cpu_count; i++) {
		struct sv_cpu *c = cpus[i];
		if (!icr_reaches(&p, c == me, c->apic_id))
			continue;
		if (filter_only)
			filter_send(me, c, &p);
		else
			deliver(me, c, p.mode, p.vector);
	}
	return true;
}

static int fetch(const struct sv_guest_paging *pg, uint64_t rip, uint8_t *buf, size_t *n)
{
	uint64_t la = pg->cs_bits == 64 ? rip : pg->cs_base + (pg->cs_bits == 32 ? (uint32_t)rip : (uint16_t)rip);
	size_t want = MMIO_INSN_MAX_LEN;

	if (pg->cs_bits != 64)
		la = (uint32_t)la;
	/* The instruction may end before a page that is not mapped: try up to its end first. */
	size_t first = (size_t)MIN(want, PAGE_SIZE - (la & (PAGE_SIZE - 1)));
	int rc = gm_copy_from(&guest_phys, pg, buf, la, first);
	if (rc)
		return rc;
	*n = first;
	if (first < want && gm_copy_from(&guest_phys, pg, buf + first, la + first, want - first) == 0)
		*n = want;
	return 0;
}

/*
 * The xAPIC registers (SDM 3A table 11-1) and what the guest may do with
 * them here.  Everything else reads as 0 and ignores writes: an offset
 * that is not a register must never reach the LAPIC (QEMU, for one,
 * decodes only bits 4-11, so 0x304 would be the ICR).
 */
enum reg_use { REG_NONE, REG_RO, REG_RW, REG_WO };

static enum reg_use reg_use(unsigned int off)
{
	if (off & 0xf)
		return REG_NONE;
	switch (off) {
	case 0x020: /* ID: writable on some CPUs; the VMM addresses CPUs by it */
	case 0x030: /* version */
	case 0x090: /* APR */
	case 0x0a0: /* PPR */
	case 0x0c0: /* RRD */
	case 0x390: /* current count */
		return REG_RO;
	case 0x0b0: /* EOI */
		return REG_WO;
	case 0x080: /* TPR */
	case 0x0d0: /* LDR */
	case 0x0e0: /* DFR */
	case 0x0f0: /* SVR */
	case 0x280: /* ESR */
	case 0x2f0: /* LVT CMCI */
	case 0x300: /* ICR low: through icr_write */
	case 0x310: /* ICR high */
	case 0x380: /* initial count */
	case 0x3e0: /* divide configuration */
		return REG_RW;
	default:
		if (off >= 0x100 && off <= 0x270) /* ISR, TMR, IRR */
			return REG_RO;
		if (off >= 0x320 && off <= 0x370) /* LVT timer, thermal, PMC, LINT0, LINT1, error */
			return REG_RW;
		return REG_NONE;
	}
}

static bool say_limited(struct sv_vcpu *v)
{
	static unsigned int said[SV_MAX_CPUS];

	return v->cpu < SV_MAX_CPUS && said[v->cpu]++ < 5;
}

bool apic_access_exit(const struct sv_vcpu_ops *ops, struct sv_vcpu *v, const struct sv_exit *e)
{
	struct sv_guest_paging pg;
	struct mmio_insn in;
	uint8_t buf[MMIO_INSN_MAX_LEN];
	size_t n = 0;

	if (!trapped_pa || ALIGN_DOWN(e->npf.gpa, PAGE_SIZE) != trapped_pa) {
		sv_printf("cpu %u: guest touched absent physical address %lx at RIP %lx; stopping it\n",
			  v->cpu, (unsigned long)e->npf.gpa, (unsigned long)v->rip);
		return false;
	}
	ops->get_paging(v, &pg);
	enum mmio_mode mode = pg.cs_bits == 64 ? MMIO_MODE_64 : pg.cs_bits == 32 ? MMIO_MODE_32 : MMIO_MODE_16;
	int rc = fetch(&pg, v->rip, buf, &n);
	if (!rc)
		rc = mmio_insn_decode(buf, n, mode, &in);
	unsigned int off = (unsigned int)(e->npf.gpa & (PAGE_SIZE - 1));
	if (rc || in.movs || in.size != 4 || (off & 3) || in.write != e->npf.write) {
		/*
		 * The LAPIC takes aligned 32-bit accesses only (SDM 3A 11.4.1),
		 * never a string move (the decoder knows MOVS for the TPM page);
		 * anything else, or an instruction we do not know, is the
		 * guest's bug: it gets #GP instead of a wrong emulation.
		 */
		if (say_limited(v))
			sv_printf("cpu %u: unsupported xAPIC access at offset %x (RIP %lx, %s): #GP to the guest\n",
				  v->cpu, off, (unsigned long)v->rip, rc ? sv_strerror(rc) : "width or alignment");
		ops->inject_exception(v, VEC_GP, 0);
		return true;
	}
	/*
	 * In x2APIC mode the page is no LAPIC any more (SDM 3A 11.12.2):
	 * reads give 0, writes go nowhere.  So does any offset that is not
	 * a register.
	 */
	enum reg_use use = lapic_x2apic() ? REG_NONE : reg_use(off);
	/* struct sv_gprs is rax rbx rcx rdx ..., the decoder wants the SDM's order. */
	uint64_t sdm[16] = { v->regs.rax, v->regs.rcx, v->regs.rdx, v->regs.rbx, v->rsp,
			     v->regs.rbp, v->regs.rsi, v->regs.rdi, v->regs.r8, v->regs.r9,
			     v->regs.r10, v->regs.r11, v->regs.r12, v->regs.r13, v->regs.r14,
			     v->regs.r15 };
	bool readable = use == REG_RO || use == REG_RW, writable = use == REG_RW || use == REG_WO;
	if (in.write) {
		uint32_t val = (uint32_t)mmio_insn_store_value(&in, sdm);
		uint32_t old = in.xchg && readable ? lapic_mmio_read(off) : 0;
		if (writable && (off != LAPIC_ICR_LO || !icr_write(val, lapic_mmio_read(LAPIC_ICR_HI) >> 24)))
			lapic_mmio_write(off, apic_lvt_filter(off, val));
		if (in.xchg)
			mmio_insn_store_reg(&in, sdm, old);
	} else {
		mmio_insn_store_reg(&in, sdm, readable ? lapic_mmio_read(off) : 0);
	}
	v->regs.rax = sdm[0];
	v->regs.rcx = sdm[1];
	v->regs.rdx = sdm[2];
	v->regs.rbx = sdm[3];
	v->rsp = sdm[4];
	v->regs.rbp = sdm[5];
	v->regs.rsi = sdm[6];
	v->regs.rdi = sdm[7];
	v->regs.r8 = sdm[8];
	v->regs.r9 = sdm[9];
	v->regs.r10 = sdm[10];
	v->regs.r11 = sdm[11];
	v->regs.r12 = sdm[12];
	v->regs.r13 = sdm[13];
	v->regs.r14 = sdm[14];
	v->regs.r15 = sdm[15];
	v->rip += in.len;
	if (pg.cs_bits != 64)
		v->rip = pg.cs_bits == 32 ? (uint32_t)v->rip : (uint16_t)v->rip;
	return true;
}

/* The physical address width (CPUID 0x80000008 EAX[7:0]), which bounds the APIC base. */
static unsigned int phys_bits(void)
{
	struct cpuid_regs r;

	cpuid_count(0x80000000, 0, &r);
	if (r.eax < 0x80000008)
		return 36;
	cpuid_count(0x80000008, 0, &r);
	return r.eax & 0xff;
}

/* x2APIC (CPUID.1:ECX[21]) as the CPU has it and the guest sees it. */
static bool has_x2apic(void)
{
	struct cpuid_regs hw, g;

	cpuid_count(1, 0, &hw);
	cpuid_guest(1, 0, &g);
	return (hw.ecx & g.ecx) & (1u << 21);
}

/*
 * Replays a guest WRMSR that passed the rules on the hardware.  The
 * write is #GP-safe: what this CPU refuses all the same (a rule of its
 * own, a bit the SDM does not list) is the guest's #GP, as on bare
 * metal, and the VMM goes on.
 */
static bool replay(const struct sv_vcpu_ops *ops, struct sv_vcpu *v, const struct sv_exit *e,
		   uint64_t value)
{
	if (wrmsr_safe(e->msr.index, value)) {
		if (say_limited(v))
			sv_printf("cpu %u: the CPU refused WRMSR %x, %lx: #GP to the guest\n", v->cpu,
				  e->msr.index, (unsigned long)value);
		ops->inject_exception(v, VEC_GP, 0);
		return true;
	}
	v->rip += e->insn_len;
	return true;
}

bool apic_wrmsr_exit(const struct sv_vcpu_ops *ops, struct sv_vcpu *v, const struct sv_exit *e)
{
	if (e->msr.index == MSR_X2APIC_ICR) {
		/*
		 * What the CPU would refuse with #GP, the guest gets as #GP
		 * (SDM 3A 11.12.9): x2APIC off, or reserved bits (31:20, 17:16,
		 * 13:12) set.
		 */
		if (!lapic_x2apic() || (e->msr.value & 0x00000000fff33000ULL)) {
			ops->inject_exception(v, VEC_GP, 0);
			return true;
		}
		if (icr_write((uint32_t)e->msr.value, (uint32_t)(e->msr.value >> 32))) {
			v->rip += e->insn_len;
			return true;
		}
		return replay(ops, v, e, e->msr.value);
	}
	unsigned int lvt = apic_x2apic_lvt_offset(e->msr.index);
	if (lvt) {
		/*
		 * x2APIC LVT (SDM 3A 11.12.1.2): x2APIC off or bits 63:32 set
		 * is #GP; the rest is filtered as on the xAPIC page (reserved
		 * bits cleared, never INIT or SMI).
		 */
		if (!lapic_x2apic() || (e->msr.value >> 32)) {
			ops->inject_exception(v, VEC_GP, 0);
			return true;
		}
		return replay(ops, v, e, apic_lvt_filter(lvt, (uint32_t)e->msr.value));
	}
	if (e->msr.index == MSR_APIC_BASE) {
		uint64_t cur = rdmsr(MSR_APIC_BASE);
		enum apic_base_verdict why = apic_base_check(cur, e->msr.value, phys_bits(), has_x2apic());
		if (why != APIC_BASE_OK) {
			if (say_limited(v))
				sv_printf("cpu %u: guest APIC base write %lx refused (%s): #GP\n", v->cpu,
					  (unsigned long)e->msr.value, apic_base_verdict_text(why));
			ops->inject_exception(v, VEC_GP, 0);
			return true;
		}
		/*
		 * Enabling x2APIC or disabling the APIC is the guest's; moving
		 * the xAPIC page is not: the trap must stay where its ICR
		 * writes land, and without a trap the real APIC would decode
		 * the new page in host mode too, over whatever VMM memory
		 * lies there (the VMM's own accesses would reach the APIC).
		 */
		uint64_t want = e->msr.value & 0x000ffffffffff000ULL;
		if (want != (cur & 0x000ffffffffff000ULL) || (trapped_pa && want != trapped_pa)) {
			if (say_limited(v))
				sv_printf("cpu %u: guest tried to move its LAPIC to %lx: #GP\n", v->cpu,
					  (unsigned long)(e->msr.value & 0x000ffffffffff000ULL));
			ops->inject_exception(v, VEC_GP, 0);
			return true;
		}
		return replay(ops, v, e, e->msr.value);
	}
	return false;
}

bool apic_init_exit(const struct sv_vcpu_ops *ops, struct sv_vcpu *v)
{
	if (v->cpu == 0) {
		/* INIT to the boot CPU means the guest wants a reset. */
		sv_printf("guest sent INIT to the boot CPU: resetting the machine\n");
		machine_reset();
		return false;
	}
	ops->vcpu_init_signal(v);
	return true;
}

void apic_vcpu_regs_after_init(struct sv_vcpu *v)
{
	struct cpuid_regs r;

	memset(&v->regs, 0, sizeof(v->regs));
	cpuid_count(1, 0, &r);
	v->regs.rdx = r.eax; /* EDX after INIT: family, model, stepping */
	v->rip = 0xfff0;
	v->rsp = 0;
	v->rflags = 0x2;
	v->wait_sipi = true;
}

void apic_mailbox(const struct sv_vcpu_ops *ops, struct sv_cpu *c)
{
	if (!c->mbox)
		return;
	uint32_t m = __atomic_exchange_n(&c->mbox, 0, __ATOMIC_SEQ_CST);
	struct sv_vcpu *v = &c->vcpu;

	if (m & MBOX_INIT)
		ops->vcpu_init_signal(v);
	/* A SIPI counts only for a vCPU that waits for one, as on bare metal. */
	if ((m & MBOX_SIPI) && v->wait_sipi) {
		ops->vcpu_sipi(v, (uint8_t)(m & 0xff));
		v->sipis++;
	}
}
