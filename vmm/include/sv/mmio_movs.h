/*
 * MOVS (and REP MOVS) between guest memory and one emulated page, in one
 * exit (guest/mmio_movs.c).  Linux's memcpy_toio and memcpy_fromio are
 * `rep movsl` with a trailing movsw and movsb on x86 (arch/x86/lib/
 * iomem.c), and OVMF's CopyMem uses `rep movsq`: a device page whose
 * every access exits (the mediated TPM CRB) would otherwise cost an exit
 * per element, 992 for one CRB buffer.
 *
 * One call moves the elements up to whichever comes first: RCX, the end
 * of the emulated page, or the end of the guest-memory side's page.  When
 * RCX is not 0 afterwards the instruction is left to run again (RIP
 * unchanged), as the CPU does after an interrupt between iterations
 * (SDM 2B "REP"), and its next fault continues the move.
 *
 * Supported: 64-bit mode with 64-bit addresses (no 67 prefix), DF=0, no
 * FS/GS override, exactly one side in the emulated page.  Everything else
 * is refused (the caller injects #GP): Linux and OVMF use none of it on a
 * device.  Portable: every access goes through the callbacks, so the unit
 * tests run it hosted.
 */
#ifndef SV_MMIO_MOVS_H
#define SV_MMIO_MOVS_H

#include <sv/mmio_insn.h>

struct mmio_movs_env {
	/* Guest-virtual to guest-physical (gm_translate); 0 or a negative code. */
	int (*translate)(void *ctx, uint64_t gva, bool write, uint64_t *gpa);
	/* Copies between the guest's memory (by guest-virtual address) and buf; 0 or a negative code. */
	int (*ram_read)(void *ctx, uint64_t gva, void *buf, size_t len);
	int (*ram_write)(void *ctx, uint64_t gva, const void *buf, size_t len);
	/* One element of size 1, 2, 4 or 8 bytes at offset off of the emulated page. */
	uint64_t (*page_read)(void *ctx, unsigned int off, unsigned int size);
	void (*page_write)(void *ctx, unsigned int off, unsigned int size, uint64_t value);
	void *ctx;
	uint64_t page; /* the emulated page's guest-physical address (4 KiB aligned) */
};

/* The registers MOVS reads and writes. */
struct mmio_movs_regs {
	uint64_t rsi, rdi, rcx, rflags;
};

/*
 * Runs the MOVS in (decoded in 64-bit mode, in->movs) on r.  Returns 1
 * when the instruction is complete (the caller moves RIP past it), 0 when
 * a REP has elements left (RIP stays), or a negative code with *why when
 * the form or the operands are not supported or the first guest-memory
 * access failed; then r is unchanged and nothing was written (page_read
 * may have run: the emulated page's reads must have no side effects that
 * matter).  A guest-memory access that fails after some elements moved
 * ends the call there with 0: the guest runs the rest again.
 */
int mmio_movs_run(const struct mmio_insn *in, const struct mmio_movs_env *env,
		  struct mmio_movs_regs *r, const char **why);

#endif
