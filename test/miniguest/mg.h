/*
 * The mini guest: a tiny 32-bit test guest that the VMM boots like Linux
 * (it carries a bzImage setup header, see mkbzimage.py) and that checks
 * the hypercall interface from inside the guest, printing
 * "MINIGUEST PASS name" / "MINIGUEST FAIL name: why" on COM1.
 *
 * It is linked position-independent and relocates itself (main.c), since
 * the VMM may load it at any 2 MiB boundary.  Everything is hidden, so the
 * compiler reaches data relative to the GOT and never through it.
 */
#ifndef MG_H
#define MG_H

#pragma GCC visibility push(hidden)

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sealvisor/errors.h>
#include <sealvisor/hypercall.h>

/* A scenario: 0 passes; otherwise it has called mg_fail() with the reason. */
struct mg_scenario {
	const char *name;
	int (*run)(void);
};
extern const struct mg_scenario mg_scenarios[];
extern const unsigned int mg_nscenarios;
/* Scenarios in files of their own. */
int mg_msr_allow_list(void); /* msr.c */

/* Scenarios of cpu_scenarios.c: the CPU state the VMM keeps from the guest (issue 19). */
int mg_invd_counted(void);
int mg_xsetbv_forbidden(void);
int mg_syscall_killed(void);
/* spec_scenarios.c: the guest keeps its own SPEC_CTRL (issue 19). */
int mg_spec_ctrl_guest_value(void);

/* Output on COM1 (polled; the VMM has set the UART up). */
void mg_puts(const char *s);
void mg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Records why the running scenario fails; returns -1 for "return mg_fail(...)". */
int mg_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Hypercalls with the vendor's instruction (vmcall on Intel, vmmcall elsewhere). */
int32_t mg_hypercall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);
bool mg_is_intel(void);

void mg_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]);

/*
 * Runs code that may fault: the guest's IDT handler (head.S) notes the
 * vector and resumes skip bytes after the faulting instruction.  Returns
 * the vector, or -1 when nothing faulted.
 */
extern volatile int mg_fault_vector;
extern volatile uint32_t mg_fault_skip;
static inline void mg_expect_fault(uint32_t insn_len)
{
	mg_fault_vector = -1;
	mg_fault_skip = insn_len;
}

/* Freestanding helpers (main.c). */
void *memset(void *d, int c, size_t n);
void *memcpy(void *restrict d, const void *restrict s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* The guest's boot_params (ESI at entry) and command line. */
extern uint32_t mg_boot_params;
extern const char *mg_cmdline;
bool mg_option(const char *word); /* is word one of the command line's words? */

#endif
