/*
 * The hypercall ABI as a guest sees it (../shared/DESIGN.md, "Hypercalls").
 *
 * Instruction: vmmcall on AMD, vmcall on Intel.  RAX = function number,
 * RBX, RCX, RDX, RSI = arguments, RAX = result (negative: -SV_E* code from
 * errors.h).  Function 0 is get_vmmcall_number(name); every other number
 * must be looked up by name at run time, never hard-coded.
 */
#ifndef SEALVISOR_HYPERCALL_H
#define SEALVISOR_HYPERCALL_H

#include <stdint.h>

/* CPUID leaf 0x40000000: EBX, ECX, EDX spell this (12 bytes). */
#define SV_CPUID_LEAF 0x40000000u
#define SV_CPUID_SIGNATURE "SealvisorVMM"

#define SV_HC_GET_NUMBER 0

/* Names of the hypercalls (argument registers in order RBX, RCX, RDX, RSI). */
#define SV_HC_VERSION "version" /* (buf, size): writes the version string, returns its length */
#define SV_HC_STATS "stats"     /* (buf, size): writes struct sv_stats, returns its size */

#define SV_STATS_EXIT_REASONS 16

/* Exit reasons in sv_stats.exits[], the same order as the VMM's counters. */
#define SV_STATS_EXIT_NAMES                                                         \
	{ "none", "hypercall", "cpuid", "rdmsr", "wrmsr", "virt-insn", "invd", "xsetbv", \
	  "shutdown", "init", "sipi", "npf", "invalid", "unknown", "", "" }

struct sv_stats {
	uint32_t size;       /* sizeof(struct sv_stats) as the VMM knows it */
	uint32_t backend;    /* 1 = AMD SVM, 2 = Intel VMX */
	uint64_t image_start, image_end; /* VMM memory hidden from the guest */
	uint64_t pool_start, pool_end;
	uint64_t pool_pages_free, pool_pages_total;
	uint64_t exits_total;
	uint64_t exits[SV_STATS_EXIT_REASONS];
	uint64_t tsc_hz_estimate; /* 0 when unknown */
};

#endif
