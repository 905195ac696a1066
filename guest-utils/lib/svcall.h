/*
 * Hypercall client library for programs in the guest OS.
 *
 * sv_open() finds Sealvisor through CPUID leaf 0x40000000 and picks the
 * hypercall instruction by CPU vendor (vmmcall on AMD, vmcall on Intel);
 * on a machine without Sealvisor it fails with -SV_ENODEV instead of
 * letting the instruction raise SIGILL.  Where /dev/sealvisor exists (the
 * sealvisor module, docs/access.md) every sv_call goes through it; only
 * without it does the library make the hypercalls itself, which a VMM
 * built with guest_access=kernel refuses from user space.
 */
#ifndef SV_SVCALL_H
#define SV_SVCALL_H

#include <stdint.h>

#include <sealvisor/errors.h>
#include <sealvisor/hypercall.h>

/*
 * 0 when calls can be made (through /dev/sealvisor, or directly where the
 * VMM allows it); -SV_ENODEV not under Sealvisor; -SV_EDEVACCESS when
 * /dev/sealvisor exists but this user may not open it; -SV_ENOMODULE when
 * there is no device and the VMM takes no hypercalls from user space.
 * Safe to call repeatedly.
 */
int sv_open(void);
/* The 12-byte CPUID signature (NUL-terminated) of whatever hypervisor runs us, "" if none. */
void sv_cpuid_signature(char out[13]);
/* Raw hypercall from this program's ring 3: returns RAX.  Needs Sealvisor (sv_cpuid_signature). */
int64_t sv_hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
/* Number of a named hypercall by a direct get_vmmcall_number, or -SV_ENOSYS when unknown. */
int64_t sv_lookup(const char *name);
/* Calls the named hypercall: through /dev/sealvisor when sv_open found it, else directly. */
int64_t sv_call(const char *name, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
/* The version string by a direct hypercall, which every VMM answers from ring 3. */
int64_t sv_version_direct(char *buf, uint64_t size);
/* /dev/sealvisor's descriptor when sv_open went through it, else -1. */
int sv_device_fd(void);
/* The ioctl request of a named hypercall (sealvisor/ioctl.h), 0 when it has none. */
unsigned long sv_ioctl_request(const char *name);
/* Message for a result, with the ELF rule or signature reason spelled out. */
const char *sv_error_message(int64_t rc);

#endif
