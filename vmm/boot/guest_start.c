/*
 * Getting the guest OS ready: its filtered memory map, the kernel and
 * initrd moved where the boot protocol wants them, boot_params, the
 * command line and a GDT with the selectors Linux's 32-bit entry expects
 * (__BOOT_CS = 0x10, __BOOT_DS = 0x18).
 */
#include <sv/console.h>
#include <sv/guest.h>
#include <sv/guest_firmware.h>
#include <sv/hypercall.h>
#include <sv/linux_boot.h>
#include <sv/memmap.h>
#include <sv/mm.h>

#include "fsstring.h"

struct mem_range guest_map[MEMMAP_MAX];
unsigned int guest_map_n;

/* Guest RAM for hypercall buffers: usable in the guest's map, nothing else. */
static void *guest_phys_map(void *ctx, uint64_t gpa, size_t len)
{
	(void)ctx;
	if (!memmap_is_usable(guest_map, guest_map_n, gpa, len))
		return NULL;
	return phys_to_virt(gpa);
}

const struct gm_phys guest_phys = { guest_phys_map, NULL };

/*
 * UEFI boot-services memory: the guest gets it as RAM, but firmware leaves
 * tables there that Linux still reads and reserves itself (memory
 * attributes, ESRT, TPM event logs), so the VMM copies nothing over it
 * before Linux runs: no kernel, initrd or boot data.  None on BIOS.
 */
static struct sv_range efi_boot_mem[MEMMAP_MAX];

static unsigned int boot_services_ranges(const struct mem_range *map, unsigned int n)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n && k < ARRAY_SIZE(efi_boot_mem); i++) {
		if (map[i].type == MEM_EFI_BOOT)
			efi_boot_mem[k++] = (struct sv_range){ map[i].base, map[i].size };
	}
	return k;
}

int guest_prepare(const struct mb2_boot *mb, const struct mem_range *map, unsigned int n,
		  const struct sv_range *hidden, unsigned int nhidden, struct sv_guest_boot *boot)
{
	const char *why = NULL;
	/* On UEFI both of the guest's maps come from the EFI map; else from the VMM's. */
	int rc = guest_fw_memmap(mb, hidden, nhidden, guest_map, MEMMAP_MAX);

	if (rc == 0)
		rc = memmap_guest(map, n, hidden, nhidden, guest_map, MEMMAP_MAX);
	if (rc < 0) {
		sv_printf("ERROR: the guest memory map needs more than %d entries\n", MEMMAP_MAX);
		return rc;
	}
	guest_map_n = (unsigned int)rc;
	unsigned int nkeep = boot_services_ranges(map, n);

	if (!memmap_is_usable(guest_map, guest_map_n, GUEST_BOOT_DATA_START,
			      GUEST_BOOT_DATA_END - GUEST_BOOT_DATA_START) ||
	    !memmap_clear_of(GUEST_BOOT_DATA_START, GUEST_BOOT_DATA_END - GUEST_BOOT_DATA_START,
			     efi_boot_mem, nkeep)) {
		sv_printf("ERROR: low memory %lx-%lx is not usable RAM outside UEFI boot-services memory; cannot place boot_params\n",
			  (unsigned long)GUEST_BOOT_DATA_START, (unsigned long)GUEST_BOOT_DATA_END);
		return -SV_EINVAL;
	}
	if (mb->nmods == 0) {
		sv_printf("ERROR: no modules: nothing to run.  Add to the GRUB entry:\n");
		sv_printf("  module2 /boot/vmlinuz [kernel command line]\n");
		sv_printf("  module2 /boot/initrd.img\n");
		return -SV_EINVAL;
	}
	if (mb->nmods > 2) {
		sv_printf("ERROR: %u modules; expected a kernel and at most one initrd\n", mb->nmods);
		return -SV_EINVAL;
	}
	const struct mb2_module *km = &mb->mods[0];
	const struct mb2_module *im = mb->nmods > 1 ? &mb->mods[1] : NULL;
	const uint8_t *kimg = phys_to_virt(km->start);
	uint64_t klen = km->end - km->start;
	struct linux_image k;

	if ((rc = linux_parse(kimg, klen, &k, &why))) {
		sv_printf("ERROR: module 1 (%s): %s\n", km->cmdline, why);
		return rc;
	}
	sv_printf("Linux kernel: boot protocol %u.%02u, %lu KiB, init_size %u KiB%s\n",
		  k.version >> 8, k.version & 0xff, (unsigned long)(klen >> 10), k.init_size >> 10,
		  k.relocatable ? ", relocatable" : "");

	/* The initrd is copied first, so it must not land on the kernel's bytes. */
	struct sv_range avoid[1] = { { km->start, klen } };
	struct linux_plan plan;
	uint64_t isize = im ? im->end - im->start : 0;
	if ((rc = linux_plan(&k, guest_map, guest_map_n, isize, avoid, 1, efi_boot_mem, nkeep, &plan, &why))) {
		sv_printf("ERROR: %s\n", why);
		return rc;
	}
	if (im) {
		memmove(phys_to_virt(plan.initrd_addr), phys_to_virt(im->start), isize);
		sv_printf("initrd: %lu KiB at %lx\n", (unsigned long)(isize >> 10),
			  (unsigned long)plan.initrd_addr);
	}

	/* The guest's command line goes to it as the boot loader gave it. */
	static char cmdline[MB2_MAX_CMDLINE + 1];
	size_t clen = strlen(km->cmdline);
	if (clen + 1 > sizeof(cmdline)) {
		sv_printf("ERROR: kernel command line too long\n");
		return -SV_E2BIG;
	}
	memcpy(cmdline, km->cmdline, clen + 1);
	uint8_t *zp = phys_to_virt(GUEST_BOOT_PARAMS_ADDR);
	if ((rc = linux_boot_params(zp, kimg, &k, &plan, clen, guest_map, guest_map_n, &why))) {
		sv_printf("ERROR: %s\n", why);
		return rc;
	}
	guest_fw_boot_params(mb, zp, &k);
	/* boot_params keeps a copy of the header, so the kernel may now move. */
	memmove(phys_to_virt(plan.load_addr), kimg + k.pm_offset, k.pm_size);
	memcpy(phys_to_virt(GUEST_CMDLINE_ADDR), cmdline, clen + 1);
	sv_printf("kernel at %lx, command line: %s\n", (unsigned long)plan.load_addr, cmdline);

	uint64_t *gdt = phys_to_virt(GUEST_GDT_ADDR);
	gdt[0] = 0;
	gdt[1] = 0;
	gdt[2] = 0x00cf9b000000ffffULL; /* 0x10: 32-bit flat code */
	gdt[3] = 0x00cf93000000ffffULL; /* 0x18: flat data */

	boot->eip = (uint32_t)plan.load_addr;
	boot->esi = (uint32_t)GUEST_BOOT_PARAMS_ADDR;
	boot->gdt_base = (uint32_t)GUEST_GDT_ADDR;
	boot->gdt_limit = 4 * 8 - 1;
	boot->cs_sel = 0x10;
	boot->ds_sel = 0x18;
	return 0;
}
