/* Entering and leaving ring 3 (arch/x86/uentry.S). */
#ifndef ARCH_UENTRY_H
#define ARCH_UENTRY_H

#include <sv/types.h>

/* The registers a process starts a handler call with; arch/gprs.h order first. */
struct uregs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Where uentry_leave finds the VMM's stack of the call it ends. */
struct uctx {
	uint64_t rsp;
};

/*
 * Runs r in ring 3 with *rsp0 (the TSS slot) pointing below this call's
 * frame; returns the value uentry_leave passes.
 */
int64_t uentry_enter(struct uctx *save, const struct uregs *r, uint64_t *rsp0);
/* Unwinds to the uentry_enter that filled save, which returns value. */
__noreturn void uentry_leave(struct uctx *save, int64_t value);

#endif
