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
	X(SV_ENODMA, 50, "no DMA protection (iommu=required): processes are not loaded")

enum sv_error {
#define SV_ERR_ENUM(name, num, msg) name = num,
	SV_ERRORS(SV_ERR_ENUM)
#undef SV_ERR_ENUM
};

/*
 * Message for a code, positive or negative.  ELF loader rules have codes of
 * their own (see elf_rules.h) in the range SV_EELF .. SV_EELF + 19.
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
