/*
 * Exceptions taken while the VMM runs.  One in a ring-3 process goes to
 * the process subsystem's hook, which kills the process; one in the VMM
 * itself is a bug of ours: print everything a developer needs (registers,
 * the faulting address, the page-table root) and stop this CPU.
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <sv/console.h>
#include <sv/panic.h>

bool (*trap_user_hook)(struct trap_frame *f);
void (*trap_syscall_hook)(struct trap_frame *f);
void (*trap_irq_hook)(struct trap_frame *f);
void (*trap_sx_hook)(struct trap_frame *f);

static const char *const names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check", "machine check",
	"SIMD error", "virtualization", "control protection", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved", "hypervisor injection",
	"VMM communication", "security", "reserved",
};

static void dump(const struct trap_frame *f)
{
	sv_printf("EXCEPTION %lu (%s), error code 0x%lx\n", (unsigned long)f->vector,
		  f->vector < 32 ? names[f->vector] : "?", (unsigned long)f->error_code);
	sv_printf("RIP %016lx CS %04lx RFLAGS %016lx\n", (unsigned long)f->rip,
		  (unsigned long)f->cs, (unsigned long)f->rflags);
	sv_printf("RSP %016lx SS %04lx CR2 (faulting address) %016lx\n", (unsigned long)f->rsp,
		  (unsigned long)f->ss, (unsigned long)read_cr2());
	sv_printf("RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", (unsigned long)f->rax,
		  (unsigned long)f->rbx, (unsigned long)f->rcx, (unsigned long)f->rdx);
	sv_printf("RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", (unsigned long)f->rsi,
		  (unsigned long)f->rdi, (unsigned long)f->rbp, (unsigned long)f->r8);
	sv_printf("R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", (unsigned long)f->r9,
		  (unsigned long)f->r10, (unsigned long)f->r11, (unsigned long)f->r12);
	sv_printf("R13 %016lx R14 %016lx R15 %016lx\n", (unsigned long)f->r13,
		  (unsigned long)f->r14, (unsigned long)f->r15);
	sv_printf("CR0 %016lx CR3 %016lx CR4 %016lx\n", (unsigned long)read_cr0(),
		  (unsigned long)read_cr3(), (unsigned long)read_cr4());
}

const char *trap_name(uint64_t vector)
{
	return vector < 32 ? names[vector] : "interrupt";
}

/* A ring-0 #GP at one of msr_safe.S's instructions resumes at its fixup. */
static bool fixup_find(struct trap_frame *f)
{
	for (const struct fixup_entry *e = __sv_fixup_start; e < __sv_fixup_end; e++) {
		if (e->insn == f->rip) {
			f->rip = e->resume;
			return true;
		}
	}
	return false;
}

void trap_dispatch(struct trap_frame *f)
{
	bool user = (f->cs & 3) == 3;

	if (f->vector == 0x80 && user && trap_syscall_hook) {
		trap_syscall_hook(f);
		return;
	}
	/* NMIs and interrupts belong to the guest: handed back, never fatal. */
	if ((f->vector >= 32 || f->vector == 2) && trap_irq_hook) {
		trap_irq_hook(f);
		return;
	}
	/*
	 * #SX (vector 30): with VM_CR.R_INIT an INIT that reaches host mode
	 * arrives here, in the VMM or in a process; it is no fault of either.
	 */
	if (f->vector == 30 && trap_sx_hook) {
		trap_sx_hook(f);
		return;
	}
	if (user && trap_user_hook && trap_user_hook(f))
		return;
	/* The instructions allowed to fault in the VMM: msr_safe.S's. */
	if (!user && f->vector == 13 && fixup_find(f))
		return;
	dump(f);
	sv_printf("FATAL: exception inside the hypervisor; halting\n");
	console_flush();
	cpu_halt_forever();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	sv_printf("PANIC: ");
	va_start(ap, fmt);
	sv_vprintf(fmt, ap);
	va_end(ap);
	sv_printf("\n");
	console_flush();
	cpu_halt_forever();
}
