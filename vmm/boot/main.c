/*
 * The VMM's boot sequence: console, boot information, memory, tables,
 * the vendor backend, the guest, and then the exit loop forever.
 * Anything wrong with what the boot loader handed over ends in a message
 * and a halt, never a triple fault.
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/entry.h>
#include <arch/fpu.h>
#include <arch/lapic.h>
#include <arch/spec.h>
#include <sv/cmdline.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/guest.h>
#include <sv/linux_boot.h>
#include <sv/hypercall.h>
#include <sv/iommu.h>
#include <sv/tpm.h>
#include <sv/builtin.h>
#include <sv/memmap.h>
#include <sv/mm.h>
#include <sv/proc_timer.h>
#include <sv/process.h>
#include <sv/vmm.h>

#include <sv_config.h>
#include <sv_verify.h>

#include "fsstring.h"

extern char _vmm_phys_start[], _vmm_phys_end[];

struct vmm_layout vmm_layout;
const struct sv_vcpu_ops *vmm_backend;

static struct mb2_boot mb;
static struct mem_range map[MEMMAP_MAX];
static unsigned int map_n;

static const struct sv_vcpu_ops *const backends[] = {
	&svm_ops,
	&vmx_ops,
};

static __noreturn void stop(const char *why)
{
	sv_printf("FATAL: %s\n", why);
	sv_printf("Sealvisor cannot continue; this CPU is halted.\n");
	console_flush();
	cpu_halt_forever();
}

/*
 * The VMM's map: from the EFI memory map when the boot loader passed a
 * good one (it is the final one, taken at ExitBootServices, and says what
 * firmware runtime services own), else from the E820-style tag.
 */
static int firmware_map(void)
{
	static struct mem_range conv[MB2_MAX_MMAP];

	if (mb.efi.systab_present)
		sv_printf("UEFI boot: EFI system table at %lx, boot services exited by the boot loader%s\n",
			  (unsigned long)mb.efi.systab,
			  mb.efi.image_handle_present ? "" : " (no image handle passed: none is needed)");
	if (mb.efi.mmap_error)
		sv_printf("UEFI: the EFI memory map is refused: %s; using the boot loader's E820-style map, "
			  "and Linux gets no EFI\n", mb.efi.mmap_error);
	if (mb.efi.nmd) {
		int ne = efi_mmap_to_e820(mb.efi.md, mb.efi.nmd, true, conv, MB2_MAX_MMAP);
		if (ne > 0) {
			sv_printf("memory map: from the EFI memory map (%u descriptors of %u bytes)\n",
				  mb.efi.nmd, mb.efi.desc_size);
			return memmap_normalize(conv, (unsigned int)ne, map, MEMMAP_MAX);
		}
		sv_printf("UEFI: the EFI memory map has more than %u distinct ranges; using the E820-style map, "
			  "and Linux gets no EFI\n", MB2_MAX_MMAP);
		mb.efi.nmd = 0;
	}
	if (mb.nmmap == 0)
		return -SV_EINVAL;
	return memmap_normalize(mb.mmap, mb.nmmap, map, MEMMAP_MAX);
}

static void setup_memory(void)
{
	int n = firmware_map();
	if (n <= 0)
		stop("unusable memory map from the boot loader");
	map_n = (unsigned int)n;

	uint64_t img_start = ALIGN_DOWN((uint64_t)(uintptr_t)_vmm_phys_start, LARGE_PAGE_SIZE);
	uint64_t img_end = ALIGN_UP((uint64_t)(uintptr_t)_vmm_phys_end, LARGE_PAGE_SIZE);
	if (!memmap_is_usable(map, (unsigned int)n, img_start, img_end - img_start))
		stop("the memory the VMM image is loaded at is not usable RAM in the memory map");

	struct sv_range avoid[MB2_MAX_MODULES + 3];
	unsigned int na = 0;
	avoid[na++] = (struct sv_range){ 0, 16ULL << 20 }; /* low memory and the kernel's start */
	avoid[na++] = (struct sv_range){ img_start, img_end - img_start };
	avoid[na++] = (struct sv_range){ mb.info_start, mb.info_end - mb.info_start };
	for (unsigned int i = 0; i < mb.nmods; i++)
		avoid[na++] = (struct sv_range){ mb.mods[i].start, mb.mods[i].end - mb.mods[i].start };

	uint64_t pool_size = (uint64_t)SV_VMM_POOL_MIB << 20, pool;
	if (memmap_pick_pool(map, (unsigned int)n, pool_size, 4ULL << 30, avoid, na, &pool))
		stop("not enough free RAM below 4 GiB for the VMM's memory pool");

	vmm_layout.image_start = img_start;
	vmm_layout.image_end = img_end;
	vmm_layout.pool_start = pool;
	vmm_layout.pool_end = pool + pool_size;
	vmm_layout.max_phys = memmap_top(map, (unsigned int)n);
	palloc_init(pool, pool_size / PAGE_SIZE);
	if (paging_init(vmm_layout.max_phys))
		stop("out of pool memory while building the VMM page tables");
	if (entry_init(cmdline_pti))
		stop("out of pool memory while building the entry area");
	vmm_layout.sink_page = palloc_page();
	memset(phys_to_virt(vmm_layout.sink_page), 0xff, PAGE_SIZE);
	sv_printf("memory: %lu MiB RAM; VMM image %lx-%lx, pool %lx-%lx (%lu MiB), hidden from the guest\n",
		  (unsigned long)(vmm_layout.max_phys >> 20), (unsigned long)img_start,
		  (unsigned long)img_end, (unsigned long)pool, (unsigned long)(pool + pool_size),
		  (unsigned long)(pool_size >> 20));
}

/* The process subsystem and the built-in processes started at boot. */
static void start_processes(void)
{
	static const char *const at_boot[] = { "log", "hello", "hello32" };

	irq_init();
	syscall_init();
	process_init();
	hc_process_init();
	int key = -1;
	int rc = sv_crypto_selftest(&key);
	if (rc == 0)
		sv_printf("signatures: %u trusted key(s); SHA-256: %s; self-test: embedded signed blob verified with key %d\n",
			  sv_trusted_key_count(), sv_sha256_impl_name(), key);
	else if (rc == -SV_ENOENT)
		sv_printf("signatures: %u trusted key(s); SHA-256: %s; self-test skipped: no private key at build time\n",
			  sv_trusted_key_count(), sv_sha256_impl_name());
	else
		sv_printf("signatures: SELF-TEST FAILED: %s (%d); nothing will verify correctly\n",
			  sv_strerror(rc), rc);
	sv_printf("processes: SMEP %s, SMAP %s, UMIP %s; VMM %s in process tables (PCID %s); VERW %s, IBPB %s; starting built-ins\n",
		  (read_cr4() & CR4_SMEP) ? "on" : "off", (read_cr4() & CR4_SMAP) ? "on" : "off",
		  (read_cr4() & CR4_UMIP) ? "on" : "off",
		  entry_features.split ? "unmapped" : "MAPPED (pti=off)", entry_features.pcid ? "on" : "off",
		  entry_features.verw ? "on" : "off", entry_features.ibpb ? "on" : "off");
	for (size_t i = 0; i < ARRAY_SIZE(at_boot); i++) {
		int64_t r = 0;
		int id = builtin_start(at_boot[i], 0, &r);
		if (id < 0 || r < 0)
			sv_printf("built-in %s: %s (%ld)\n", at_boot[i], sv_strerror(id < 0 ? id : (int)r),
				  (long)(id < 0 ? id : r));
		else if (i == 0)
			hc_log_service_started(id);
	}
}

static const struct sv_vcpu_ops *pick_backend(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
		if (backends[i]->probe() == 0)
			return backends[i];
	}
	return NULL;
}

void vmm_main(uint32_t magic, uint32_t info_phys)
{
	struct cpuid_regs r;

	/* The boot CPU's struct first: locks and this_cpu() need it. */
	cpuid_count(1, 0, &r);
	percpu_init_bsp(r.ebx >> 24);
	console_init(console_parse_port(SV_DEFAULT_CONSOLE, strlen(SV_DEFAULT_CONSOLE)));
	sv_printf("Sealvisor %s: thin hypervisor for signed processes\n", SV_VERSION);
	desc_init();
	cpu_setup_features();
	spec_setup_cpu(); /* before entry_init, which takes VERW/IBPB/IBRS from the plan */

	if (magic != MB2_BOOTLOADER_MAGIC)
		stop("not started by a multiboot2 boot loader (bad magic in EAX)");
	const uint8_t *info = phys_to_virt(info_phys);
	if (mb2_parse(info, MB2_MAX_INFO_SIZE, info_phys, &mb)) {
		if (mb.efi.mmap_error)
			sv_printf("boot information: the EFI memory map is refused: %s\n", mb.efi.mmap_error);
		sv_printf("boot information: %s\n", mb.error);
		stop("cannot use the boot information from the boot loader");
	}
	cmdline_apply(mb.cmdline);
	setup_memory();
	if (cmdline_selftest_fault) {
		/*
		 * Proves the exception path, on a real machine or in the boot
		 * tests: a read of an address the VMM never maps (the lower
		 * half is empty once its own page tables are loaded).
		 */
		sv_printf("selftest=fault: reading address 0x10 on purpose\n");
		__asm__ volatile("movq 0x10, %%rax" ::: "rax", "memory");
	}

	vmm_backend = pick_backend();
	if (!vmm_backend)
		stop("this CPU offers no usable hardware virtualization (see above)");
	sv_printf("virtualization: %s\n", vmm_backend->name);
	if (vmm_backend->enable())
		stop("could not enable hardware virtualization");
	if (lapic_init())
		stop("the boot CPU's local APIC is disabled or cannot be mapped");
	this_cpu()->apic_id = this_cpu()->vcpu.apic_id = lapic_id();

	/*
	 * The AP trampoline page is hidden like the VMM's own memory, for
	 * good: an AP that answers late must still find the VMM's code.
	 */
	struct sv_range avoid[MB2_MAX_MODULES + 2];
	unsigned int na = 0;
	avoid[na++] = (struct sv_range){ GUEST_BOOT_DATA_START, GUEST_BOOT_DATA_END - GUEST_BOOT_DATA_START };
	avoid[na++] = (struct sv_range){ mb.info_start, mb.info_end - mb.info_start };
	for (unsigned int i = 0; i < mb.nmods; i++)
		avoid[na++] = (struct sv_range){ mb.mods[i].start, mb.mods[i].end - mb.mods[i].start };
	uint64_t tramp = smp_pick_trampoline(map, map_n, avoid, na);

	/*
	 * Hidden from the guest: the VMM's memory (also in its E820 map) and,
	 * after it, the IOMMUs' registers (not RAM: only the nested map).
	 */
	struct sv_range hidden[3 + IOMMU_MAX_UNITS + 1] = {
		{ vmm_layout.image_start, vmm_layout.image_end - vmm_layout.image_start },
		{ vmm_layout.pool_start, vmm_layout.pool_end - vmm_layout.pool_start },
		{ tramp, tramp ? PAGE_SIZE : 0 },
	};
	unsigned int nhidden = 3;
	nhidden += iommu_probe(&mb, hidden + nhidden, IOMMU_MAX_UNITS);
	/* The TIS localities 1-4, the VMM's: last, so tpm_init may still use them. */
	unsigned int ntpm_hidden = tpm_hidden_pages(&mb, map, map_n, hidden, nhidden, hidden + nhidden);
	if (vmm_build_nested(hidden, nhidden + ntpm_hidden))
		stop("could not build the nested page tables");
	proc_timer_init(); /* calibrates the TSC, which the AP start-up waits with */
	tpm_init(&mb, map, map_n, hidden, nhidden); /* its timeouts are TSC deadlines */
	if (fpu_init_cpu())
		stop("out of pool memory for the FPU save area");
	smp_start(&mb, tramp);
	iommu_enable(nested_span(), hidden, nhidden + ntpm_hidden);
	start_processes();

	struct sv_guest_boot boot = { 0 };
	if (guest_prepare(&mb, map, map_n, hidden, 3, &boot) < 0)
		stop("no guest to run");
	vmm_run_guest(&boot);
}
