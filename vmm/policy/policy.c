/*
 * The VMM's load policy: documented in policy.h and docs/signatures.md.
 *
 * The register starts at zero and is first extended with the VMM image
 * (its text and rodata segments as they lie in memory, which are the
 * PT_LOAD segments of sealvisor.elf byte for byte: nothing writes them
 * after GRUB loaded them, and the page tables map them read-only) and
 * with the set of trusted keys and the command line it was started with,
 * so that everything after them is read relative to the code that did
 * the measuring and the options it runs under.
 */
#include <sv/cmdline.h>
#include <sv/console.h>
#include <sv/format.h>
#include <sv/tpm.h>

#include <policy/policy.h>
#include <policy/revlist.h>
#include <policy/svn.h>

#include <sv_config.h>
#include <sv_verify.h>

#include "fsstring.h"

extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[];

/* Entries a load may not take, so that revocation lists always find room. */
#define MEASURE_RESERVE 16u

/* The build's floors (-Dsvn_floor), ending with a NULL product. */
static const struct svn_floor floors[] = { SV_SVN_FLOORS { NULL, 0 } };

/*
 * The trusted keys (by index) that alone may sign revocation lists
 * (-Drevocation_keys), ending at -1; none listed: every trusted key may.
 */
static const int revocation_keys[] = { SV_REVOCATION_KEYS -1 };

static struct svn_table svn;
static struct measure_log mlog;
/* The list in force: its bytes (revlist keeps pointers into them). */
static uint8_t rl_bytes[REVLIST_MAX_SIZE];
static struct revlist rl;

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * Extends the event the log is about to take into the TPM's PCR too
 * (tpm_extend_event), in the log's order and before the code it
 * measures runs: 0, or -SV_ETPMBROKEN when the TPM did not take it.
 */
static int anchor(uint32_t type, const void *data, uint32_t len, const char *what)
{
	uint8_t d[32];

	measure_event_digest(type, data, len, d);
	return tpm_extend_event(d, what);
}

/*
 * The boot events: the TPM is up already (tpm_init runs before
 * policy_init), so each goes in as it is logged.  A TPM error here
 * leaves the PCR broken, which tpm_extend_event says and which refuses
 * later loads under tpm=required; the log itself is kept.
 */
static void add_boot_event(uint32_t type, const void *data, uint32_t len, const char *what)
{
	anchor(type, data, len, what);
	measure_add(&mlog, type, data, len, 0);
}

static void print_digest(const char *what, const uint8_t d[32])
{
	char hex[65];

	for (int i = 0; i < 32; i++)
		sv_snprintf(hex + 2 * i, 3, "%02x", d[i]);
	sv_printf("measure: %s %s\n", what, hex);
}

void policy_init(void)
{
	uint8_t img[112], keys[40], cmd[120];
	uint64_t text_len = (uint64_t)(_text_end - _text_start);
	uint64_t ro_len = (uint64_t)(_rodata_end - _rodata_start);
	unsigned int n = sv_trusted_key_count();
	uint8_t ids[32 * 16];

	svn_init(&svn, floors);
	measure_init(&mlog);
	memset(&rl, 0, sizeof(rl));

	/* image digest = SHA-256(SHA-256(text) || SHA-256(rodata)) */
	memset(img, 0, sizeof(img));
	sv_sha256(_text_start, text_len, img + 32);
	sv_sha256(_rodata_start, ro_len, img + 64);
	sv_sha256(img + 32, 64, img);
	put64(img + 96, text_len);
	put64(img + 104, ro_len);
	add_boot_event(SV_MEV_VMM_IMAGE, img, sizeof(img), "the VMM image");

	/* Key set: SHA-256 of the ids, in the order the build embedded them. */
	memset(keys, 0, sizeof(keys));
	put32(keys, n);
	if (n <= 16) {
		for (unsigned int i = 0; i < n; i++)
			memcpy(ids + 32 * i, sv_trusted_key_id(i), 32);
		sv_sha256(ids, 32 * n, keys + 8);
	} else {
		sv_printf("measure: more than 16 trusted keys; the key-set event holds zeros\n");
	}
	add_boot_event(SV_MEV_TRUSTED_KEYS, keys, sizeof(keys), "the trusted keys");

	/* The command line: its digest (all of it) and its start, readable. */
	size_t clen;
	const char *cl = cmdline_text(&clen);
	memset(cmd, 0, sizeof(cmd));
	sv_sha256(cl, clen, cmd);
	put32(cmd + 32, (uint32_t)clen);
	memcpy(cmd + 40, cl, MIN(clen, sizeof(cmd) - 40));
	add_boot_event(SV_MEV_CMDLINE, cmd, sizeof(cmd), "the command line");
	print_digest("VMM image sha256", img);
	print_digest("trusted keys sha256", keys + 8);
	print_digest("command line sha256", cmd);
	print_digest("register", mlog.reg);
}

static const uint8_t *key_id(int key)
{
	static const uint8_t zero[32];
	const uint8_t *id = key >= 0 ? sv_trusted_key_id((unsigned int)key) : NULL;

	return id ? id : zero;
}

bool policy_revoked(const uint8_t sha256[32], int key)
{
	return revlist_has_digest(&rl, sha256) || (key >= 0 && revlist_has_key(&rl, key_id(key)));
}

/* The data of a load event (SV_MEV_LOAD). */
static void load_event(uint8_t ev[104], const uint8_t sha256[32], int key,
		       const struct elf_manifest *m)
{
	memset(ev, 0, 104);
	memcpy(ev, sha256, 32);
	memcpy(ev + 32, key_id(key), 32);
	put32(ev + 64, m->svn);
	memcpy(ev + 72, m->product, strnlen(m->product, 31));
}

int policy_check_load(const uint8_t sha256[32], int key, const struct elf_manifest *m,
		      uint32_t *min)
{
	uint8_t ev[104];
	int rc;

	*min = 0;
	if (policy_revoked(sha256, key)) {
		sv_printf("newprocess: refused product %s SVN %u: its %s is revoked (list version %lu)\n",
			  m->product, m->svn, revlist_has_digest(&rl, sha256) ? "digest" : "signing key",
			  (unsigned long)rl.version);
		return -SV_EREVOKED;
	}
	rc = svn_check(&svn, m->product, m->svn, min);
	if (rc == -SV_ESVN_FLOOR || rc == -SV_ESVN_ROLLBACK) {
		sv_printf("newprocess: refused product %s SVN %u: minimum %u (%s)\n", m->product, m->svn,
			  *min, rc == -SV_ESVN_FLOOR ? "the build's floor" : "already loaded since boot");
		return rc;
	}
	if (rc) {
		sv_printf("newprocess: refused product %s: the SVN table is full\n", m->product);
		return rc;
	}
	load_event(ev, sha256, key, m);
	/* measure_add's room rule: the reserve and the overflow marker's slot stay free. */
	if (!measure_has(&mlog, SV_MEV_LOAD, ev, sizeof(ev)) &&
	    mlog.count >= MEASURE_LOG_MAX - 1 - MEASURE_RESERVE) {
		sv_printf("newprocess: refused: the measurement log is full\n");
		return -SV_ENOMEM;
	}
	return 0;
}

int policy_commit_load(const uint8_t sha256[32], int key, const struct elf_manifest *m)
{
	uint8_t ev[104];
	uint32_t min;
	int rc;

	/* The list in force or the table may have changed since the caller's check. */
	if ((rc = policy_check_load(sha256, key, m, &min)))
		return rc;
	load_event(ev, sha256, key, m);
	/* Measure once per distinct event and list in force, as IMA measures a file once. */
	/* Into the TPM first: a load the PCR did not take is refused, and not logged. */
	if (!measure_has(&mlog, SV_MEV_LOAD, ev, sizeof(ev)) &&
	    ((rc = anchor(SV_MEV_LOAD, ev, sizeof(ev), "this load")) ||
	     (rc = measure_add(&mlog, SV_MEV_LOAD, ev, sizeof(ev), MEASURE_RESERVE))))
		return rc;
	rc = svn_record(&svn, m->product, m->svn);
	if (rc < 0)
		return rc;
	/* Every load, not only one that raised it: an earlier kill may have been cut short. */
	return SV_SVN_KILL_OLDER && strcmp(m->product, "none") != 0;
}

int policy_revoke(const uint8_t *list, size_t len, const uint8_t *sig, size_t siglen,
		  int *key_out, uint64_t *version, uint8_t sha256[32])
{
	struct revlist parsed;
	uint8_t ev[80];
	int rc;

	*key_out = -1;
	*version = 0;
	sv_sha256(list, len, sha256);
	rc = sv_verify_digest(sha256, sig, siglen, key_out);
	if (rc) {
		*key_out = -1;
		return rc;
	}
	if (!revlist_key_may_sign(revocation_keys, *key_out)) {
		sv_printf("revoke: signed with trusted key %d, which may not sign revocation lists (-Drevocation_keys)\n",
			  *key_out);
		return -SV_ESIG_MISMATCH;
	}
	rc = revlist_parse(list, len, &parsed);
	if (rc)
		return rc;
	*version = parsed.version;
	/* Bounded version steps, no list revoking its own signer: revlist.h. */
	if ((rc = revlist_may_follow(&rl, &parsed, key_id(*key_out))))
		return rc;
	memset(ev, 0, sizeof(ev));
	memcpy(ev, sha256, 32);
	memcpy(ev + 32, key_id(*key_out), 32);
	put64(ev + 64, parsed.version);
	put32(ev + 72, parsed.ndigests);
	put32(ev + 76, parsed.nkeys);
	/*
	 * Into the TPM too, the overflow marker first when this event makes
	 * the log take it; a TPM error does not stop a list (it only takes
	 * rights away): the PCR is marked broken and later loads follow
	 * tpm_extend_event's rule.
	 */
	if (mlog.count == MEASURE_LOG_MAX - 1)
		anchor(SV_MEV_OVERFLOW, NULL, 0, "the overflow marker");
	anchor(SV_MEV_REVLIST, ev, sizeof(ev), "this revocation list");
	/* Never refused for want of room: a full log gets the overflow marker. */
	if ((rc = measure_add_always(&mlog, SV_MEV_REVLIST, ev, sizeof(ev))))
		return rc;
	if (mlog.unlogged == 1)
		sv_printf("measure: the log is full: the overflow marker is its last event; later lists extend the register unlogged\n");
	memcpy(rl_bytes, list, len);
	revlist_parse(rl_bytes, len, &rl);
	return 0;
}

void policy_revlist_info(uint64_t *version, uint32_t *ndigests, uint32_t *nkeys)
{
	*version = rl.version;
	*ndigests = rl.ndigests;
	*nkeys = rl.nkeys;
}

const struct measure_log *policy_measure_log(void)
{
	return &mlog;
}
