/*
 * Sealvisor error codes: the one list shared by the hypervisor, its
 * hypercalls and the guest tools.
 *
 * Every hypercall and every VMM function returns 0 or a positive value on
 * success and the negation of one of these codes on failure.  The numbers
 * are ABI: a guest tool built against an older header must still print the
 * right message, so codes are only ever appended, never renumbered.
 */
#ifndef SEALVISOR_ERRORS_H
#define SEALVISOR_ERRORS_H

/* X(name, number, message) */
#define SV_ERRORS(X)                                                         \
	X(SV_EINVAL, 1, "invalid argument")                                  \
	X(SV_ENOSYS, 2, "unknown hypercall")                                 \
	X(SV_EFAULT, 3, "bad address: not mapped or not guest memory")       \
	X(SV_EPERM, 4, "access denied: supervisor page from a ring-3 caller") \
	X(SV_E2BIG, 5, "too large")                                          \
	X(SV_ENOMEM, 6, "out of memory")                                     \
	X(SV_ERANGE, 7, "buffer too small")                                  \
	X(SV_ENODEV, 8, "hardware feature missing")                          \
	X(SV_EBUSY, 9, "busy")                                               \
	X(SV_ESIG_MALFORMED, 10, "malformed signature")                      \
	X(SV_ESIG_NOKEY, 11, "no trusted key of that size")                  \
	X(SV_ESIG_MISMATCH, 12, "signature does not verify with any trusted key") \
	X(SV_EELF, 20, "bad ELF image")                                      \
	X(SV_EELF_TRUNCATED, 21, "ELF: file shorter than the ELF header") \
	X(SV_EELF_MAGIC, 22, "ELF: not an ELF file (bad magic)")           \
	X(SV_EELF_CLASS, 23, "ELF: class is neither ELF32 nor ELF64")      \
	X(SV_EELF_DATA, 24, "ELF: not little-endian")                      \
	X(SV_EELF_VERSION, 25, "ELF: unsupported version or OS ABI")       \
	X(SV_EELF_MACHINE, 26, "ELF: machine is not x86-64 (ELF64) or i386 (ELF32)") \
	X(SV_EELF_TYPE, 27, "ELF: not an executable (type EXEC)")          \
	X(SV_EELF_HDRSIZE, 28, "ELF: wrong ELF or program header size")   \
	X(SV_EELF_PHNUM, 29, "ELF: no program headers, or more than the limit") \
	X(SV_EELF_PHTABLE, 30, "ELF: program header table outside the file") \
	X(SV_EELF_SEGTYPE, 31, "ELF: unsupported segment type or flags (dynamic, interpreter, TLS)") \
	X(SV_EELF_SEGFILE, 32, "ELF: segment data outside the file")      \
	X(SV_EELF_SEGSIZE, 33, "ELF: segment file size above its memory size") \
	X(SV_EELF_SEGRANGE, 34, "ELF: segment outside the user window or wrapping") \
	X(SV_EELF_ALIGN, 35, "ELF: segment offset and address not congruent modulo the page size") \
	X(SV_EELF_OVERLAP, 36, "ELF: segments overlap or share a page")   \
	X(SV_EELF_WX, 37, "ELF: segment both writable and executable")    \
	X(SV_EELF_ENTRY, 38, "ELF: entry point not inside an executable segment") \
	X(SV_EELF_LOADS, 39, "ELF: no loadable segment, or more than the limit") \
	X(SV_ETABLE_FULL, 40, "process table full")                          \
	X(SV_EBADDESC, 41, "bad or stale descriptor")                        \
	X(SV_EFAULTED, 42, "process faulted")                                \
	X(SV_ETIMEOUT, 43, "process ran past its time budget")               \
	X(SV_EQUOTA, 44, "process memory quota exceeded")                    \
	X(SV_ENOENT, 45, "no such name")                                     \
	X(SV_EEXIST, 46, "name already registered")                          \
	X(SV_EDEAD, 47, "process is not running")                            \
	X(SV_EDEADLK, 48, "call cycle across CPUs: the process waits for this one") \
	X(SV_ENODMA, 50, "no DMA protection (iommu=required): processes are not loaded") \
	X(SV_ENOTPM, 51, "no working TPM (tpm=required): processes are not loaded") \
	X(SV_EMF_TRUNCATED, 55, "manifest: Sealvisor note cut short (header or fields missing)") \
	X(SV_EMF_DUPLICATE, 56, "manifest: two Sealvisor manifest notes in one segment") \
	X(SV_EMF_PASTEND, 57, "manifest: note lengths reach past its segment or the file") \
	X(SV_EMF_NONUL, 58, "manifest: product or name without a terminating NUL") \
	X(SV_EMF_TOOLONG, 59, "manifest: product or name longer than 31 bytes") \
	X(SV_EMF_SECOND, 60, "manifest: a second manifest in another segment") \
	X(SV_EMF_FORMAT, 61, "manifest: unknown version, bad characters or trailing bytes") \
	X(SV_ESVN_FLOOR, 62, "security version below the build's floor for its product") \
	X(SV_ESVN_ROLLBACK, 63, "security version below one already loaded (anti-rollback)") \
	X(SV_EREVOKED, 64, "binary or its signing key is revoked") \
	X(SV_ERL_TRUNCATED, 65, "revocation list: length does not match its header") \
	X(SV_ERL_UNSORTED, 66, "revocation list: entries not in strictly ascending order") \
	X(SV_ERL_TOOBIG, 67, "revocation list: more entries than the VMM keeps") \
	X(SV_ERL_VERSION, 68, "revocation list: unknown magic or format, or its version too far above the one in force") \
	X(SV_ERL_STALE, 69, "revocation list: not newer than the list in force") \
	/* Guest side of access (issue 13, docs/access.md): said by the tools' library. */ \
	X(SV_ENOMODULE, 70, "module not loaded: this Sealvisor takes hypercalls only from the guest kernel (guest_access=kernel); load it with modprobe sealvisor") \
	X(SV_EDEVACCESS, 71, "/dev/sealvisor: permission denied (root:sealvisor 0660); ask to be added to group sealvisor") \
	X(SV_EADMIN, 72, "/dev/sealvisor: this operation needs root (CAP_SYS_ADMIN); group sealvisor may load, message and read") \
	X(SV_ENOIOCTL, 73, "/dev/sealvisor: the loaded sealvisor module does not offer this hypercall") \
	/* Issue 20 (docs/tpm.md): the TPM refused or lost a measurement. */ \
	X(SV_ETPMBROKEN, 74, "the TPM did not take the measurement: the VMM's PCR no longer matches its log, the load is refused")

enum sv_error {
#define SV_ERR_ENUM(name, num, msg) name = num,
	SV_ERRORS(SV_ERR_ENUM)
#undef SV_ERR_ENUM
};

/*
 * Message for a code, positive or negative.  ELF loader rules have codes of
 * their own in the range SV_EELF .. SV_EELF + 19; the manifest, security
 * versions and revocation lists have 55 .. 69 (docs/signatures.md).
 */
static inline const char *sv_strerror(int code)
{
	if (code < 0)
		code = -code;
	switch (code) {
	case 0:
		return "success";
#define SV_ERR_CASE(name, num, msg) case num: return msg;
		SV_ERRORS(SV_ERR_CASE)
#undef SV_ERR_CASE
	default:
		return "unknown error";
	}
}

#endif
