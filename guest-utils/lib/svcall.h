/*
 * Hypercall client library for programs in the guest OS.
 *
 * sv_open() finds Sealvisor through CPUID leaf 0x40000000 and picks the
 * hypercall instruction by CPU vendor (vmmcall on AMD, vmcall on Intel);
 * on a machine without Sealvisor it fails with -SV_ENODEV instead of
 * letting the instruction raise SIGILL.
 */
#ifndef SV_SVCALL_H
#define SV_SVCALL_H

#include <stdint.h>

#include <sealvisor/errors.h>
#include <sealvisor/hypercall.h>

/* 0 under Sealvisor; -SV_ENODEV elsewhere.  Safe to call repeatedly. */
int sv_open(void);
/* The 12-byte CPUID signature (NUL-terminated) of whatever hypervisor runs us, "" if none. */
void sv_cpuid_signature(char out[13]);
/* Raw hypercall: returns RAX. sv_open() must have succeeded. */
int64_t sv_hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
/* Number of a named hypercall, or -SV_ENOSYS when the VMM does not know it. */
int64_t sv_lookup(const char *name);
/* Looks name up and calls it. */
int64_t sv_call(const char *name, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
/* Message for a result, with the ELF rule or signature reason spelled out. */
const char *sv_error_message(int64_t rc);

#endif
