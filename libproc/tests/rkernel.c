/*
 * Fault test: reads outside the user window (#PF).  value picks the
 * address: 0 the VMM image (KERNEL_BASE; top page in a 32-bit process),
 * 1 the VMM's direct map (64-bit) or 3 GiB (32-bit), 2 address 0, 3 the
 * first byte above the stack, 4 the unmapped gap below the trampoline;
 * 64-bit only: 5 the VMM image's .bss (2 MiB into the image: past the
 * entry window at the start of .data, which sits near 1 MiB now), 6 the entry
 * window (the boot CPU's GDT/TSS page, mapped supervisor-only).  Each must
 * kill the process without revealing a byte; the VMM's kill line says
 * whether the page was absent from the process's tables or only
 * supervisor-only (the boot suite checks which).
 */
#include <sealvisor/proc.h>

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	unsigned long addr;
	volatile unsigned char *p;

	(void)msgcode;
	(void)buf;
	(void)bufcnt;
	switch (value) {
	case 1:
		addr = sizeof(long) == 8 ? (unsigned long)0xffff800000000000ull : 0xc0000000ul;
		break;
	case 2:
		addr = 0;
		break;
	case 3:
		addr = PROC_USER_END;
		break;
	case 4:
		addr = PROC_TRAMPOLINE_ADDR - PROC_PAGE_SIZE;
		break;
	case 5:
		addr = sizeof(long) == 8 ? (unsigned long)0xffffffff80600000ull : 0xfffff000ul;
		break;
	case 6:
		addr = sizeof(long) == 8 ? (unsigned long)0xffffffff40000000ull : 0xfffff000ul;
		break;
	default:
		addr = sizeof(long) == 8 ? (unsigned long)0xffffffff80000000ull : 0xfffff000ul;
		break;
	}
	p = (volatile unsigned char *)addr;
	printf("rkernel: reading %p\n", (void *)p);
	printf("rkernel: FAIL, read %02x\n", *p);
	return 1;
}
