/*
 * Bringing the application processors into the VMM at boot.
 *
 * The boot CPU starts each AP the MADT lists, one at a time, with
 * INIT-SIPI-SIPI (SDM 3A 9.4.4.1 "Typical BSP initialization sequence")
 * into a trampoline page of its own below 1 MiB (ap_tramp.S).  Each AP
 * loads its own GDT/TSS, enables SMEP/SMAP and virtualization, sets up
 * its vCPU in the state a real AP has after INIT (waiting for a SIPI) and
 * enters the per-CPU loop; the guest later starts it with its own
 * INIT-SIPI-SIPI, which the VMM turns into a start of that vCPU in real
 * mode at the SIPI vector (guest/apic.c on SVM, the hardware on VMX).
 *
 * No CPU may ever run guest code outside nested paging.  An AP that
 * cannot be virtualized, or one past -Dmax_cpus, is still brought in and
 * held in the VMM: GIF clear on SVM, VMX root operation on Intel, where
 * INIT is blocked (SDM 3C 26.2 / 33.14), so a guest INIT-SIPI cannot
 * restart it outside the VMM.  The trampoline page stays reserved and
 * hidden from the guest, so an AP that answers late still finds the
 * VMM's code there and is held.
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/fpu.h>
#include <arch/lapic.h>
#include <arch/paging.h>
#include <arch/spec.h>
#include <sv/acpi_boot.h>
#include <sv/apic.h>
#include <sv/cmdline.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/mb2.h>
#include <sv/memmap.h>
#include <sv/mm.h>
#include <sv/proc_timer.h>
#include <sv/vmm.h>

#include "fsstring.h"

/* Read by ap_entry64: which stack belongs to which APIC id. */
struct ap_slot {
	uint32_t apic_id;
	uint32_t pad;
	uint64_t stack_top;
};
struct ap_slot ap_slots[CPU_SLOTS];
volatile uint32_t ap_nslots;

extern const uint8_t ap_tramp_start[], ap_tramp_end[];
extern const uint8_t ap_tramp_gdtr[], ap_tramp_jmp32[], ap_tramp_jmp64[], ap_tramp_cr3[];
extern const uint8_t ap_tramp_efer[], ap_tramp_kcr3[], ap_tramp_entry[];
extern const uint8_t tramp32[], tramp64[], tramp_gdt[];
extern void ap_entry64(void);
__noreturn void ap_main(uint32_t apic_id);

#define TOFF(sym) ((uintptr_t)(sym) - (uintptr_t)ap_tramp_start)

static void udelay(uint64_t us)
{
	uint64_t hz = proc_timer_tsc_hz();

	if (!hz)
		hz = 3000000000ULL; /* uncalibrated: assume a fast TSC, waits only get longer */
	uint64_t end = rdtsc() + hz / 1000000 * us;
	while (rdtsc() < end)
		cpu_relax();
}

uint64_t smp_pick_trampoline(const struct mem_range *map, unsigned int n,
			     const struct sv_range *avoid, unsigned int navoid)
{
	/*
	 * Below 64 KiB: Linux never allocates there (X86_RESERVE_LOW), and
	 * the page must be below 1 MiB for the SIPI vector anyway.  Page 0
	 * holds the real-mode IVT and BIOS data.
	 */
	for (uint64_t pa = 0xf000; pa >= 0x1000; pa -= PAGE_SIZE) {
		if (!memmap_is_usable(map, n, pa, PAGE_SIZE))
			continue;
		bool clash = false;
		for (unsigned int i = 0; i < navoid; i++) {
			if (avoid[i].size && ranges_overlap(pa, PAGE_SIZE, avoid[i].base, avoid[i].size))
				clash = true;
		}
		if (!clash)
			return pa;
	}
	return 0;
}

/* The trampoline's page table: the VMM's upper half plus 0-2 MiB identity. */
static uint64_t tramp_tables(void)
{
	uint64_t pml4 = palloc_page(), pdpt = palloc_page(), pd = palloc_page();

	if (!pml4 || !pdpt || !pd)
		return 0;
	uint64_t *k = phys_to_virt(paging_kernel_root());
	uint64_t *t = phys_to_virt(pml4);
	for (int i = 256; i < 512; i++)
		t[i] = k[i];
	t[0] = pdpt | PTE_P | PTE_W;
	((uint64_t *)phys_to_virt(pdpt))[0] = pd | PTE_P | PTE_W;
	((uint64_t *)phys_to_virt(pd))[0] = 0 | PTE_P | PTE_W | PTE_PS;
	return pml4;
}

static void put32(uint8_t *page, const uint8_t *field, uint32_t v)
{
	memcpy(page + TOFF(field), &v, 4);
}

static void put64(uint8_t *page, const uint8_t *field, uint64_t v)
{
	memcpy(page + TOFF(field), &v, 8);
}

static unsigned int expected_aps;

static void start_one(struct sv_cpu *c, uint64_t tramp)
{
	__atomic_store_n(&c->state, CPU_STARTING, __ATOMIC_SEQ_CST);
	/* SDM 3A 9.4.4.1: INIT, 10 ms, SIPI, 200 us, SIPI. */
	lapic_send_ipi(c->apic_id, ICR_INIT_ASSERT);
	udelay(10000);
	/* selftest=ap-silent: the last AP gets no SIPI, as if it never answered. */
	bool silent = cmdline_selftest_ap_silent && c->index == expected_aps;
	for (int i = 0; i < 2 && c->state == CPU_STARTING && !silent; i++) {
		lapic_send_ipi(c->apic_id, ICR_SIPI(tramp >> 12));
		udelay(200);
	}
	/* TCG interleaves vCPUs on few host cores: give it a full second. */
	for (int ms = 0; ms < 1000 && c->state == CPU_STARTING; ms++)
		udelay(1000);
	int expect = CPU_STARTING;
	if (__atomic_compare_exchange_n(&c->state, &expect, CPU_NO_ANSWER, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		sv_printf("cpu %u (APIC id %u) did not answer INIT-SIPI-SIPI; if it ever does, it is held\n",
			  c->index, c->apic_id);
	while (c->state == CPU_STARTING)
		cpu_relax();
}

void smp_boot_aps(uint64_t tramp, const uint32_t *ids, unsigned int n)
{
	uint8_t *page = phys_to_virt(tramp);
	uint64_t cr3 = tramp ? tramp_tables() : 0;

	if (!tramp || !cr3) {
		sv_printf("smp: %s: only the boot CPU runs the guest; the other CPUs stay "
			  "where the firmware left them\n",
			  tramp ? "out of memory for the trampoline" : "no free page below 64 KiB for the AP trampoline");
		apic_trap_unknown_cpus(vmm_backend);
		return;
	}
	size_t len = (size_t)(ap_tramp_end - ap_tramp_start);
	memset(page, 0xcc, PAGE_SIZE);
	memcpy(page, ap_tramp_start, len);
	put32(page, ap_tramp_gdtr + 2, (uint32_t)(tramp + TOFF(tramp_gdt)));
	put32(page, ap_tramp_jmp32, (uint32_t)(tramp + TOFF(tramp32)));
	put32(page, ap_tramp_jmp64, (uint32_t)(tramp + TOFF(tramp64)));
	put32(page, ap_tramp_cr3, (uint32_t)cr3);
	put32(page, ap_tramp_efer, (uint32_t)(rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE)));
	put64(page, ap_tramp_kcr3, paging_kernel_root());
	put64(page, ap_tramp_entry, (uint64_t)(uintptr_t)ap_entry64);

	uint32_t bsp = this_cpu()->apic_id;
	unsigned int skipped = 0;
	for (unsigned int i = 0; i < n; i++)
		expected_aps += ids[i] != bsp;
	for (unsigned int i = 0; i < n; i++) {
		if (ids[i] == bsp || cpu_by_apic_id(ids[i]))
			continue;
		if (!lapic_x2apic() && ids[i] > 0xfe) {
			skipped++;
			continue;
		}
		struct sv_cpu *c = percpu_add(ids[i]);
		if (!c) {
			sv_printf("smp: no memory or slot for CPU with APIC id %u and %u more: "
				  "they stay where the firmware left them\n", ids[i], n - i - 1);
			apic_trap_unknown_cpus(vmm_backend);
			break;
		}
		ap_slots[ap_nslots].apic_id = c->apic_id;
		ap_slots[ap_nslots].stack_top = c->stack_base + CPU_STACK_SIZE;
		__atomic_store_n(&ap_nslots, ap_nslots + 1, __ATOMIC_SEQ_CST);
		start_one(c, tramp);
	}
	if (skipped) {
		sv_printf("smp: %u CPU(s) with APIC ids above 254 need x2APIC mode; not started\n", skipped);
		apic_trap_unknown_cpus(vmm_backend);
	}

	unsigned int ready = 0, held = 0;
	for (unsigned int i = 1; i < cpu_count; i++) {
		if (cpus[i]->state == CPU_READY || cpus[i]->state == CPU_GUEST)
			ready++;
		else
			held++;
	}
	sv_printf("smp: %u CPU(s) run the guest (boot CPU + %u AP(s)), %u held in the VMM; max_cpus %u\n",
		  1 + ready, ready, held, cmdline_max_cpus);
}

/* Keeps this CPU in the VMM for good, where a guest INIT cannot reach it. */
static __noreturn void hold(struct sv_cpu *c, bool enabled, const char *why)
{
	c->why_held = why;
	sv_printf("cpu %u (APIC id %u) held in the VMM: %s\n", c->index, c->apic_id, why);
	if (!enabled)
		enabled = vmm_backend->enable() == 0;
	c->held_in_vmm = enabled;
	if (vmm_backend->hold)
		vmm_backend->hold(enabled);
	__atomic_store_n(&c->state, CPU_HELD, __ATOMIC_SEQ_CST);
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

void ap_main(uint32_t apic_id)
{
	struct sv_cpu *c = this_cpu();

	desc_init_cpu(c);
	cpu_setup_features();
	spec_setup_cpu();
	if (c->apic_id != apic_id)
		hold(c, false, "APIC id mismatch");
	if (c->state != CPU_STARTING)
		hold(c, false, "it answered after the boot CPU gave up on it");
	if (!c->virtualize)
		hold(c, false, "more CPUs than max_cpus");
	if (vmm_backend->enable())
		hold(c, false, "could not enable hardware virtualization on it");
	if (vmm_backend->vcpu_init_ap(&c->vcpu) || fpu_init_cpu())
		hold(c, true, "could not set up its virtual CPU");
	int expect = CPU_STARTING;
	if (!__atomic_compare_exchange_n(&c->state, &expect, CPU_READY, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		hold(c, true, "it answered after the boot CPU gave up on it");
	vcpu_loop(c);
}

static struct madt_cpu madt_cpus[CPU_SLOTS];

void smp_start(const struct mb2_boot *mb, uint64_t tramp)
{
	struct acpi_root root;
	struct acpi_table t;
	struct madt_info info;
	const char *why, *from;
	int r = acpi_boot_root(mb, &root, &from, &why);

	if (r == 0)
		r = acpi_table_find(&root, "APIC", 0, &t, &why);
	if (r == 0)
		r = madt_parse(t.data, t.length, madt_cpus, CPU_SLOTS, &info, &why);
	if (r < 0) {
		/*
		 * Without a usable MADT the VMM cannot know which CPUs exist, so
		 * it cannot hold them: say so plainly.  The guest will not find
		 * them either (it reads the same tables).
		 */
		sv_printf("smp: no usable MADT (%s: %s); only the boot CPU is used\n", why, sv_strerror(r));
		apic_trap_unknown_cpus(vmm_backend);
		return;
	}
	sv_printf("ACPI: RSDP from %s, %s, MADT: %u CPU(s) (%u enabled), LAPIC at %lx\n", from,
		  root.xsdt ? "XSDT" : "RSDT", info.total, info.nenabled, (unsigned long)info.lapic_addr);
	if (root.xsdt_refused)
		sv_printf("ACPI: the XSDT was refused (%s); the RSDT was used\n", root.xsdt_refused);
	if (info.duplicates || info.invalid)
		sv_printf("ACPI: MADT: %u duplicate and %u invalid CPU entries skipped\n", info.duplicates,
			  info.invalid);
	if (info.total > info.ncpus) {
		sv_printf("smp: %u CPU(s) beyond the %u the VMM can hold: not started\n",
			  info.total - info.ncpus, CPU_SLOTS);
		apic_trap_unknown_cpus(vmm_backend);
	}
	if (info.lapic_addr != lapic_base_pa())
		sv_printf("ACPI: MADT says LAPIC at %lx, the CPU says %lx; the CPU wins\n",
			  (unsigned long)info.lapic_addr, (unsigned long)lapic_base_pa());

	static uint32_t ids[CPU_SLOTS];
	unsigned int n = 0;
	for (unsigned int i = 0; i < info.ncpus; i++) {
		/* Disabled and not online-capable: the guest will never start it either. */
		if (madt_cpus[i].enabled || madt_cpus[i].online_capable)
			ids[n++] = madt_cpus[i].apic_id;
	}
	smp_boot_aps(tramp, ids, n);

	/*
	 * On VMX a CPU outside VMX operation takes a guest's INIT and SIPI
	 * natively: one that never answered, one held without VMX, one the
	 * MADT lists as disabled (never started).  Then the guest's INIT/SIPI
	 * are filtered.  (On SVM they always are.)
	 */
	bool unsafe = false;
	for (unsigned int i = 0; i < info.ncpus; i++) {
		struct sv_cpu *c = cpu_by_apic_id(madt_cpus[i].apic_id);
		if (!c)
			unsafe = true;
		else if (c->state == CPU_NO_ANSWER || c->state == CPU_STARTING ||
			 (c->state == CPU_HELD && !c->held_in_vmm))
			unsafe = true;
	}
	if (unsafe)
		apic_trap_unknown_cpus(vmm_backend);

	/*
	 * A CPU that does not run the guest is taken out of the guest's MADT
	 * (in place, checksum fixed), so the OS does not wait for it to boot.
	 */
	for (unsigned int i = 0; i < n; i++) {
		struct sv_cpu *c = cpu_by_apic_id(ids[i]);
		if (c && (c->state == CPU_READY || c->state == CPU_GUEST))
			continue;
		if (madt_disable_cpu((void *)(uintptr_t)t.data, t.length, ids[i]) > 0)
			sv_printf("ACPI: CPU with APIC id %u marked disabled in the guest's MADT\n", ids[i]);
	}
}
