/*
 * Link test of the freestanding library: sv_crypto_vmm_lib linked with
 * -nostdlib -static into a program of its own, the way the VMM links it
 * (no C library: any dependency beyond fsstring's mem* fails the link).
 * Built with the VMM's flags, it then runs on the build machine with raw
 * system calls and checks, in the VMM's build of the code:
 *   - sv_crypto_selftest() (the boot-time check) and the key accessors;
 *   - SHA-256 known answers on both implementations;
 *   - that sv_sha256() leaves all sixteen XMM registers as it found them,
 *     the guarantee the VMM relies on to keep the guest's SSE state.
 */
#include <stddef.h>
#include <stdint.h>

#include <sealvisor/errors.h>

#include "sv_keys.h"
#include "sv_verify.h"

long sv_linktest_main(void);

__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	call sv_linktest_main\n"
	"	mov %rax, %rdi\n"
	"	mov $60, %eax\n" /* exit */
	"	syscall\n"
	"	hlt\n");

static void put(const char *s)
{
	size_t n = 0;
	long ret;

	while (s[n])
		n++;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(1L), "D"(1L), "S"(s), "d"(n)
			 : "rcx", "r11", "memory");
	(void)ret;
}

static void put_int(long v)
{
	char buf[24], *p = buf + sizeof buf - 1;
	int neg = v < 0;
	unsigned long u = neg ? 0UL - (unsigned long)v : (unsigned long)v;

	*p = 0;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (neg)
		*--p = '-';
	put(p);
}

static int failures;

static void check(int ok, const char *what)
{
	put(ok ? "ok   " : "FAIL ");
	put(what);
	put("\n");
	if (!ok)
		failures++;
}

static int bytes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return 0;
	}
	return 1;
}

/* SHA-256("abc") and of 1000 bytes of 0x5a (the XMM test's input). */
static const uint8_t abc_digest[32] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
	0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
};

static uint8_t xmm_in[256] __attribute__((aligned(16)));
static uint8_t xmm_out[256] __attribute__((aligned(16)));
static uint8_t big[1000];
static uint8_t big_digest[32];

/* Called from the asm below, with the test pattern in all XMM registers. */
void sv_linktest_hash_big(void);
void sv_linktest_hash_big(void)
{
	sv_sha256(big, sizeof big, big_digest);
}

/*
 * Loads a pattern into XMM0-15, calls sv_sha256() and stores XMM0-15 back,
 * all in one asm statement so that no compiler code runs in between.  The
 * stack is realigned for the call; every caller-saved register is declared
 * clobbered.
 */
static int xmm_preserved(void)
{
	/* Callee-saved registers carry the buffers across the call. */
	register uint8_t *in __asm__("r12") = xmm_in;
	register uint8_t *out __asm__("r13") = xmm_out;

	for (int i = 0; i < 256; i++) {
		xmm_in[i] = (uint8_t)(i * 7 + 1);
		xmm_out[i] = 0;
	}
	__asm__ volatile(
		"movdqa 0(%0), %%xmm0\n movdqa 16(%0), %%xmm1\n"
		"movdqa 32(%0), %%xmm2\n movdqa 48(%0), %%xmm3\n"
		"movdqa 64(%0), %%xmm4\n movdqa 80(%0), %%xmm5\n"
		"movdqa 96(%0), %%xmm6\n movdqa 112(%0), %%xmm7\n"
		"movdqa 128(%0), %%xmm8\n movdqa 144(%0), %%xmm9\n"
		"movdqa 160(%0), %%xmm10\n movdqa 176(%0), %%xmm11\n"
		"movdqa 192(%0), %%xmm12\n movdqa 208(%0), %%xmm13\n"
		"movdqa 224(%0), %%xmm14\n movdqa 240(%0), %%xmm15\n"
		"mov %%rsp, %%r14\n"
		"and $-16, %%rsp\n"
		"call sv_linktest_hash_big\n"
		"mov %%r14, %%rsp\n"
		"movdqa %%xmm0, 0(%1)\n movdqa %%xmm1, 16(%1)\n"
		"movdqa %%xmm2, 32(%1)\n movdqa %%xmm3, 48(%1)\n"
		"movdqa %%xmm4, 64(%1)\n movdqa %%xmm5, 80(%1)\n"
		"movdqa %%xmm6, 96(%1)\n movdqa %%xmm7, 112(%1)\n"
		"movdqa %%xmm8, 128(%1)\n movdqa %%xmm9, 144(%1)\n"
		"movdqa %%xmm10, 160(%1)\n movdqa %%xmm11, 176(%1)\n"
		"movdqa %%xmm12, 192(%1)\n movdqa %%xmm13, 208(%1)\n"
		"movdqa %%xmm14, 224(%1)\n movdqa %%xmm15, 240(%1)\n"
		:
		: "r"(in), "r"(out)
		: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r14", "memory",
		  "cc");
	return bytes_equal(xmm_in, xmm_out, sizeof xmm_in);
}

long sv_linktest_main(void)
{
	uint8_t d[32];
	int idx = -1, r, impl;

	put("sha256: ");
	put(sv_sha256_impl_name());
	put("\n");
	r = sv_crypto_selftest(&idx);
	put("sv_crypto_selftest: ");
	put_int(r);
	put(" key ");
	put_int(idx);
	put(" (");
	put(sv_strerror(r));
	put(")\n");
	check(sv_selftest_sig_len ? (r == 0 && idx >= 0) : r == -SV_ENOENT, "self-test result");
	if (sv_selftest_sig_len) {
		sv_sha256(sv_selftest_blob, sv_selftest_blob_len, d);
		check(sv_verify_digest(d, sv_selftest_sig, sv_selftest_sig_len, NULL) == 0,
		      "sv_verify_digest() of the self-test blob");
		d[31] ^= 1;
		check(sv_verify_digest(d, sv_selftest_sig, sv_selftest_sig_len, NULL) ==
			      -SV_ESIG_MISMATCH,
		      "sv_verify_digest() of another digest");
	}
	check(sv_trusted_key_count() >= 1, "at least one trusted key");
	check(sv_trusted_key_bits(0) >= 1024 && sv_trusted_key_id(0) != NULL, "key 0 accessors");
	check(sv_trusted_key_bits(sv_trusted_key_count()) == 0 &&
		      sv_trusted_key_id(sv_trusted_key_count()) == NULL,
	      "out-of-range key index");

	for (impl = SV_SHA256_PORTABLE; impl <= SV_SHA256_X86_SHANI; impl++) {
		if (sv_sha256_select(impl) != impl) {
			put("SHA extensions absent: skipping that implementation\n");
			continue;
		}
		sv_sha256("abc", 3, d);
		check(bytes_equal(d, abc_digest, 32), impl == SV_SHA256_PORTABLE
							      ? "portable SHA-256 known answer"
							      : "SHA-NI SHA-256 known answer");
		r = sv_crypto_selftest(NULL);
		check(sv_selftest_sig_len ? r == 0 : r == -SV_ENOENT,
		      "self-test with this implementation");
	}

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = 0x5a;
	sv_sha256_select(SV_SHA256_AUTO);
	check(xmm_preserved(), "XMM0-15 preserved across sv_sha256()");
	sv_sha256_select(SV_SHA256_PORTABLE);
	sv_sha256(big, sizeof big, d);
	check(bytes_equal(d, big_digest, 32), "SHA-NI and portable agree on 1000 bytes");

	put(failures ? "linktest: FAILED\n" : "linktest: all passed\n");
	return failures ? 1 : 0;
}
