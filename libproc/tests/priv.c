/*
 * Fault test: privileged instructions from ring 3 (#GP).  value picks one:
 * 0 hlt, 1 cli, 2 in from port 0x80 (IOPL is 0), 3 read CR3, 4 rdmsr of
 * EFER, 5 lgdt, 6 invlpg; and where the CPU has UMIP (CR4.UMIP), 7 sgdt,
 * 8 sidt, 9 smsw, 10 str, which would otherwise hand ring 3 the VMM's
 * table addresses.  Each must kill the process; none may reach the
 * hardware.
 */
#include <sealvisor/proc.h>

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	unsigned long reg = 0;
	unsigned int lo = 0, hi = 0;
	unsigned char b = 0;
	struct {
		unsigned short limit;
		unsigned long base;
	} __attribute__((packed)) gdtr = { 0, 0 };

	(void)msgcode;
	(void)buf;
	(void)bufcnt;
	printf("priv: trying privileged instruction %d\n", value);
	switch (value) {
	case 1:
		__asm__ volatile("cli");
		break;
	case 2:
		__asm__ volatile("inb $0x80, %0" : "=a"(b));
		break;
	case 3:
		__asm__ volatile("mov %%cr3, %0" : "=r"(reg));
		break;
	case 4:
		__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080u));
		break;
	case 5:
		__asm__ volatile("lgdt %0" : : "m"(gdtr));
		break;
	case 6:
		__asm__ volatile("invlpg (%0)" : : "r"(reg) : "memory");
		break;
	case 7:
		__asm__ volatile("sgdt %0" : "=m"(gdtr));
		reg = gdtr.base;
		break;
	case 8:
		__asm__ volatile("sidt %0" : "=m"(gdtr));
		reg = gdtr.base;
		break;
	case 9:
		__asm__ volatile("smsw %0" : "=r"(reg));
		break;
	case 10:
		__asm__ volatile("str %0" : "=r"(lo));
		break;
	default:
		__asm__ volatile("hlt");
		break;
	}
	printf("priv: FAIL, still running (%lx %x %x %x)\n", reg, lo, hi, b);
	return 1;
}
