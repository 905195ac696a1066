/*
 * Fault test: SYSCALL from ring 3 (64-bit; built -m32, from compatibility
 * mode).  The VMM runs with EFER.SCE clear on every CPU, whatever the
 * guest set in its own EFER and STAR/LSTAR (Linux sets SCE), so SYSCALL
 * is #UD at this very instruction: the process is killed there, and
 * nothing runs in ring 0 at an address firmware or the guest chose.  The
 * instruction's address is printed first so that the boot test can check
 * the RIP of the kill (boot/guest/cpu-test.sh).
 */
#include <sealvisor/proc.h>

extern const char t_syscall_insn[];

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)msgcode;
	(void)value;
	(void)buf;
	(void)bufcnt;
	printf("syscall: executing syscall at %lx\n", (unsigned long)t_syscall_insn);
	__asm__ volatile(".globl t_syscall_insn\n"
			 "t_syscall_insn: .byte 0x0f, 0x05" /* syscall */
			 ::: "memory", "cc",
#ifdef __x86_64__
			 "rcx", "r11"
#else
			 "ecx"
#endif
	);
	printf("syscall: FAIL, still running\n");
	return 1;
}
