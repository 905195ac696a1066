/*
 * Fault test: SYSENTER from ring 3 (64-bit; built -m32, from
 * compatibility mode, where 32-bit code would use it).  The VMM's
 * IA32_SYSENTER_CS is 0 on every CPU, whatever the guest wrote to its
 * own: Intel raises #GP(0) for SYSENTER then, AMD has no SYSENTER in
 * long mode (#UD).  Either way the process dies at this instruction,
 * whose address it prints first (boot/guest/cpu-test.sh checks the RIP).
 */
#include <sealvisor/proc.h>

extern const char t_sysenter_insn[];

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)msgcode;
	(void)value;
	(void)buf;
	(void)bufcnt;
	printf("sysenter: executing sysenter at %lx\n", (unsigned long)t_sysenter_insn);
	__asm__ volatile(".globl t_sysenter_insn\n"
			 "t_sysenter_insn: .byte 0x0f, 0x34" /* sysenter */
			 ::: "memory", "cc");
	printf("sysenter: FAIL, still running\n");
	return 1;
}
