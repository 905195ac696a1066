/*
 * vmmsign: signs process binaries for Sealvisor, and checks signatures
 * exactly as the hypervisor does.
 *
 *   vmmsign BINARY PRIVATE_KEY SIGNATURE
 *       Writes the RSA PKCS#1 v1.5 / SHA-256 signature of BINARY to
 *       SIGNATURE, byte for byte what `openssl dgst -sha256 -sign
 *       PRIVATE_KEY -out SIGNATURE BINARY` writes, and prints nothing.
 *   vmmsign verify BINARY PUBLIC_KEY SIGNATURE
 *       Checks SIGNATURE with the VMM's own verify code (sv_verify_keys(),
 *       built hosted); prints OK (exit 0) or FAILED: and the reason (exit 1).
 *   vmmsign keyid KEY
 *       Prints the key's id as the VMM reports it (SHA-256 of its DER
 *       SubjectPublicKeyInfo) and its size.
 *
 * Signing uses OpenSSL's libcrypto for the private-key operation and for
 * decrypting encrypted keys; every key file is first parsed by our own
 * parser (sv_keyparse.c) so errors are the same as the build's.  After
 * signing, the signature is checked with the VMM's code before it is
 * written.  Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <sealvisor/errors.h>

#include "sv_config.h"
#include "sv_keyparse.h"
#include "sv_verify.h"
#include "replay.h"
#include "vmmsign_policy.h"

/* Largest binary vmmsign handles; far above what the VMM accepts. */
#define MAX_BINARY (1024u * 1024 * 1024)
/* Signatures longer than the largest RSA size are malformed anyway. */
#define MAX_SIG 4096

static const char usage_text[] =
	"usage: vmmsign BINARY PRIVATE_KEY SIGNATURE\n"
	"       vmmsign verify BINARY PUBLIC_KEY SIGNATURE\n"
	"       vmmsign keyid KEY\n"
	"       vmmsign revlist OUT VERSION [binary=PATH | digest=HEX | keyid=HEX ...]\n"
	"       vmmsign replay LOG | image-digest SEALVISOR_ELF | keyset KEYID... | cmdline LINE\n"
	"       vmmsign --help | --version\n";

static const char help_text[] =
	"\n"
	"Signs process binaries for the Sealvisor hypervisor and checks signatures.\n"
	"\n"
	"  vmmsign BINARY PRIVATE_KEY SIGNATURE\n"
	"      Write the RSA PKCS#1 v1.5 SHA-256 signature of BINARY to SIGNATURE;\n"
	"      identical to `openssl dgst -sha256 -sign PRIVATE_KEY -out SIGNATURE\n"
	"      BINARY`.  An encrypted key's passphrase is asked on the terminal.\n"
	"  vmmsign verify BINARY PUBLIC_KEY SIGNATURE\n"
	"      Check SIGNATURE with the hypervisor's own verify code; print OK\n"
	"      (exit 0) or FAILED: and the reason (exit 1).  PUBLIC_KEY may also\n"
	"      be a private key; only its public half is used.\n"
	"  vmmsign keyid KEY\n"
	"      Print the key id the hypervisor reports for KEY (SHA-256 of its DER\n"
	"      SubjectPublicKeyInfo) and its size.\n"
	"  vmmsign revlist OUT VERSION [binary=PATH | digest=HEX | keyid=HEX ...]\n"
	"      Write a revocation list (sign it like a binary; vmmctl revoke loads it).\n"
	"  vmmsign replay LOG\n"
	"      Recompute the measurement register from `vmmctl measure > LOG`:\n"
	"      prints match (exit 0) or MISMATCH (exit 1).\n"
	"  vmmsign image-digest SEALVISOR_ELF / keyset KEYID...\n"
	"      What the log's first two events must hold for that image and keys.\n"
	"  vmmsign cmdline LINE\n"
	"      The data the third event (the VMM command line) holds for LINE.\n"
	"\n"
	"Keys: PEM files with BEGIN PUBLIC KEY, RSA PUBLIC KEY, RSA PRIVATE KEY or\n"
	"PRIVATE KEY, 512 to 4096 bits.  Use a leading ./ to sign a file named\n"
	"'verify' or 'keyid'.  Exit status: 0 success, 1 failure, 2 usage error.\n";

static void usage_error(const char *why)
{
	if (why)
		fprintf(stderr, "vmmsign: %s\n", why);
	fputs(usage_text, stderr);
	exit(2);
}

static void fail(const char *fmt, const char *a, const char *b)
{
	fputs("vmmsign: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(1);
}

/*
 * Reads PATH whole; fails clearly on a missing, unreadable, non-regular or
 * larger-than-MAX file (TOO_BIG_OK: return only the first MAX + 1 bytes).
 */
/* See vmmsign_policy.h. */
unsigned char *read_file(const char *path, size_t max, int too_big_ok, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char *buf;
	size_t cap, n = 0;

	if (fd < 0)
		fail("cannot read '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) != 0)
		fail("cannot read '%s': %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		fail("cannot read '%s': %s", path, strerror(EISDIR));
	cap = (S_ISREG(st.st_mode) && (unsigned long long)st.st_size <= max) ? (size_t)st.st_size + 1
									       : 65536;
	buf = malloc(cap);
	if (!buf)
		fail("out of memory reading '%s'%s", path, "");
	for (;;) {
		ssize_t r;

		if (n == cap) {
			unsigned char *nb;

			if (cap > max) {
				if (too_big_ok)
					break;
				fail("'%s' is too large%s", path, "");
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(buf, cap);
			if (!nb)
				fail("out of memory reading '%s'%s", path, "");
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			fail("cannot read '%s': %s", path, strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max && !too_big_ok)
		fail("'%s' is too large%s", path, "");
	*len = n;
	return buf;
}

/*
 * A binary in memory.  Large regular files are mapped rather than read:
 * copying 16 MiB into fresh anonymous memory costs more in page faults
 * than hashing it with the SHA extensions.  (A file truncated while mapped
 * would end vmmsign with SIGBUS: a failure, never a false OK.)
 */
struct binary {
	unsigned char *data;
	size_t len;
	int mapped;
};

static void read_binary(const char *path, struct binary *b)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	b->mapped = 0;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (1 << 20) &&
	    (unsigned long long)st.st_size <= MAX_BINARY) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);

		if (p != MAP_FAILED) {
			b->data = p;
			b->len = (size_t)st.st_size;
			b->mapped = 1;
		}
	}
	if (fd >= 0)
		close(fd);
	if (!b->mapped)
		b->data = read_file(path, MAX_BINARY, 0, &b->len);
	if (b->len == 0)
		fail("'%s' is empty; refusing an empty binary%s", path, "");
}

static void free_binary(struct binary *b)
{
	if (b->mapped)
		munmap(b->data, b->len);
	else
		free(b->data);
}

/* Parses KEY with our parser; exits with a clear message on failure. */
static int parse_key(const char *path, const unsigned char *pem, size_t len,
		     struct sv_rsa_keyinfo *k, int encrypted_ok)
{
	char msg[160];
	int r = sv_key_parse_pem(pem, len, k);

	if (r == -SV_KEY_EENCRYPTED && encrypted_ok)
		return r;
	if (r < 0)
		fail("'%s': %s", path, sv_key_describe(r, k, msg, sizeof msg));
	return 0;
}

/* ---- passphrase from the terminal ------------------------------------------ */

struct pass_ctx {
	const char *path;
	int no_tty;
	int asked;
};

/* The terminal while echo is off, for restoring it on SIGINT/SIGTERM. */
static int tty_fd = -1;
static struct termios tty_saved;

static void restore_tty(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSANOW, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* OpenSSL's pem_password_cb: asks on /dev/tty with echo off. */
static int ask_passphrase(char *buf, int size, int rwflag, void *u)
{
	struct pass_ctx *pc = u;
	struct termios old, quiet;
	int fd, n = 0, echo_off;
	char c;

	(void)rwflag;
	/* OpenSSL may ask again after a wrong passphrase: ask only once. */
	if (pc->asked++)
		return -1;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		pc->no_tty = 1;
		return -1;
	}
	/* Echo off before the prompt, so an early answer is not echoed or lost. */
	echo_off = tcgetattr(fd, &old) == 0;
	if (echo_off) {
		tty_saved = old;
		tty_fd = fd;
		signal(SIGINT, restore_tty);
		signal(SIGTERM, restore_tty);
		signal(SIGHUP, restore_tty);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSANOW, &quiet);
	}
	dprintf(fd, "Passphrase for %s: ", pc->path);
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n < size - 1)
			buf[n++] = c;
	}
	if (echo_off) {
		tcsetattr(fd, TCSANOW, &old);
		tty_fd = -1;
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
	}
	dprintf(fd, "\n");
	close(fd);
	buf[n] = 0;
	return n;
}

/* ---- sign ------------------------------------------------------------------- */

/* Whether A and B name the same existing file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static int cmd_sign(const char *bin_path, const char *key_path, const char *sig_path)
{
	struct sv_rsa_keyinfo k;
	struct sv_rsa_pubkey pk;
	struct pass_ctx pc = {key_path, 0, 0};
	unsigned char *pem, *sig, *spki = NULL;
	struct binary bin;
	size_t pem_len, sig_len = 0;
	EVP_PKEY *pkey;
	EVP_MD_CTX *md;
	BIO *bio;
	int encrypted, spki_len, idx, r, fd;
	char tmp[4096], msg[160];
	const char *slash;

	/* A slip of the arguments must not overwrite the key or the binary. */
	if (same_file(sig_path, key_path) || same_file(sig_path, bin_path))
		fail("'%s' is the %s; refusing to overwrite it with the signature", sig_path,
		     same_file(sig_path, key_path) ? "private key" : "binary");
	pem = read_file(key_path, SV_PEM_MAX, 0, &pem_len);
	encrypted = parse_key(key_path, pem, pem_len, &k, 1) == -SV_KEY_EENCRYPTED;
	if (!encrypted && !k.is_private)
		fail("'%s' is a public key; signing needs the private key%s", key_path, "");
	read_binary(bin_path, &bin);

	bio = BIO_new_mem_buf(pem, (int)pem_len);
	pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, ask_passphrase, &pc) : NULL;
	BIO_free(bio);
	OPENSSL_cleanse(pem, pem_len);
	free(pem);
	if (!pkey) {
		if (pc.no_tty)
			fail("'%s' is an encrypted private key and there is no terminal to ask for "
			     "its passphrase%s",
			     key_path, "");
		fail("'%s': cannot load the private key%s", key_path,
		     encrypted ? " (wrong passphrase?)" : "");
	}
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA)
		fail("'%s': not an RSA key%s", key_path, "");
	/*
	 * Through our parser once more, now via the public half OpenSSL
	 * loaded: the same size and exponent rules as the VMM's build.
	 */
	spki_len = i2d_PUBKEY(pkey, &spki);
	if (spki_len <= 0)
		fail("'%s': cannot extract the public key%s", key_path, "");
	r = sv_key_parse_der(spki, (size_t)spki_len, SV_KEY_FMT_SPKI, &k);
	OPENSSL_free(spki);
	if (r < 0)
		fail("'%s': %s", key_path, sv_key_describe(r, &k, msg, sizeof msg));
	sv_key_to_pubkey(&k, &pk);

	/* What `openssl dgst -sha256 -sign` does: EVP_DigestSign, PKCS#1 v1.5. */
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey) != 1 ||
	    EVP_DigestSign(md, NULL, &sig_len, bin.data, bin.len) != 1)
		fail("'%s': signing failed%s", key_path, "");
	sig = malloc(sig_len);
	if (!sig || EVP_DigestSign(md, sig, &sig_len, bin.data, bin.len) != 1)
		fail("'%s': signing failed%s", key_path, "");
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);

	r = sv_verify_keys(&pk, 1, bin.data, bin.len, sig, sig_len, &idx);
	if (r != 0)
		fail("internal error: the new signature does not verify (%s)%s", sv_strerror(r), "");

	/* Write next to the target, then rename: no half-written signature. */
	slash = strrchr(sig_path, '/');
	if (snprintf(tmp, sizeof tmp, "%.*s.vmmsign-XXXXXX", slash ? (int)(slash - sig_path + 1) : 0,
		     sig_path) >= (int)sizeof tmp)
		fail("'%s': path too long%s", sig_path, "");
	if (!slash)
		memmove(tmp, ".vmmsign-XXXXXX", sizeof ".vmmsign-XXXXXX");
	fd = mkstemp(tmp);
	if (fd < 0)
		fail("cannot write '%s': %s", sig_path, strerror(errno));
	{
		mode_t um = umask(0);

		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	if (write(fd, sig, sig_len) != (ssize_t)sig_len || close(fd) != 0 ||
	    rename(tmp, sig_path) != 0) {
		int e = errno;

		unlink(tmp);
		fail("cannot write '%s': %s", sig_path, strerror(e));
	}
	free(sig);
	free_binary(&bin);
	return 0;
}

/* ---- verify ----------------------------------------------------------------- */

static int cmd_verify(const char *bin_path, const char *key_path, const char *sig_path)
{
	struct sv_rsa_keyinfo k;
	struct sv_rsa_pubkey pk;
	unsigned char *pem, *sig;
	struct binary bin;
	size_t pem_len, sig_len;
	int r, idx;

	pem = read_file(key_path, SV_PEM_MAX, 0, &pem_len);
	if (parse_key(key_path, pem, pem_len, &k, 1) == -SV_KEY_EENCRYPTED)
		fail("'%s' is an encrypted private key; give its public key (openssl pkey -in %s "
		     "-pubout)",
		     key_path, key_path);
	free(pem);
	sv_key_to_pubkey(&k, &pk);
	read_binary(bin_path, &bin);
	sig = read_file(sig_path, MAX_SIG, 1, &sig_len);

	r = sv_verify_keys(&pk, 1, bin.data, bin.len, sig, sig_len, &idx);
	if (r == 0)
		printf("OK\n");
	else if (r == -SV_ESIG_NOKEY)
		printf("FAILED: %s (signature: %zu bytes; key: %u-bit, %zu-byte signatures)\n",
		       sv_strerror(r), sig_len, k.bits, k.nlen);
	else
		printf("FAILED: %s\n", sv_strerror(r));
	free_binary(&bin);
	free(sig);
	return r == 0 ? 0 : 1;
}

/* ---- keyid ------------------------------------------------------------------ */

static int cmd_keyid(const char *key_path)
{
	struct sv_rsa_keyinfo k;
	unsigned char *pem;
	uint8_t id[32];
	size_t len;

	pem = read_file(key_path, SV_PEM_MAX, 0, &len);
	if (parse_key(key_path, pem, len, &k, 1) == -SV_KEY_EENCRYPTED)
		fail("'%s' is an encrypted private key; give its public key (openssl pkey -in %s "
		     "-pubout)",
		     key_path, key_path);
	free(pem);
	sv_key_id(&k, id);
	printf("sha256:");
	for (int i = 0; i < 32; i++)
		printf("%02x", id[i]);
	printf(" %u-bit RSA %s\n", k.bits, sv_key_format_name(k.format));
	return 0;
}

int main(int argc, char **argv)
{
	int first = 1;

	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		fputs(help_text, stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("vmmsign (Sealvisor) %s\n", SV_VERSION);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
		if (argc != 5)
			usage_error("verify needs BINARY PUBLIC_KEY SIGNATURE");
		return cmd_verify(argv[2], argv[3], argv[4]);
	}
	if (argc >= 2 && strcmp(argv[1], "keyid") == 0) {
		if (argc != 3)
			usage_error("keyid needs KEY");
		return cmd_keyid(argv[2]);
	}
	if (argc >= 2 && strcmp(argv[1], "revlist") == 0)
		return cmd_revlist(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "replay") == 0) {
		if (argc != 3)
			usage_error("replay needs LOG");
		return sv_replay_file("vmmsign", argv[2], stdout);
	}
	if (argc >= 2 && strcmp(argv[1], "image-digest") == 0) {
		if (argc != 3)
			usage_error("image-digest needs SEALVISOR_ELF");
		return cmd_image_digest(argv[2]);
	}
	if (argc >= 2 && strcmp(argv[1], "keyset") == 0)
		return cmd_keyset(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "cmdline") == 0) {
		if (argc != 3)
			usage_error("cmdline needs LINE");
		return cmd_cmdline(argv[2]);
	}
	if (argc >= 2 && strcmp(argv[1], "--") == 0)
		first = 2;
	else if (argc >= 2 && argv[1][0] == '-' && argv[1][1] != 0)
		usage_error("unknown option");
	if (argc - first != 3)
		usage_error(NULL);
	for (int i = first; i < argc; i++) {
		if (argv[i][0] == 0)
			usage_error("empty file name");
	}
	return cmd_sign(argv[first], argv[first + 1], argv[first + 2]);
}
