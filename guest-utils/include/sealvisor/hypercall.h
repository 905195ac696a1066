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

/* The sealvisor kernel module (guest-utils/linux) includes this header too. */
#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* CPUID leaf 0x40000000: EBX, ECX, EDX spell this (12 bytes). */
#define SV_CPUID_LEAF 0x40000000u
#define SV_CPUID_SIGNATURE "SealvisorVMM"

#define SV_HC_GET_NUMBER 0

/* Names of the hypercalls (argument registers in order RBX, RCX, RDX, RSI). */
#define SV_HC_VERSION "version" /* (buf, size): writes the version string, returns its length */
#define SV_HC_STATS "stats"     /* (buf, size): writes struct sv_stats, returns its size */

/* Processes (all numbers looked up by name like the rest). */
#define SV_HC_NEWPROCESS "newprocess" /* (bin, bin_size, sig, sig_size) -> descriptor */
#define SV_HC_MSGSENDINT "msgsendint" /* (desc, value) -> the handler's result */
#define SV_HC_MSGSENDBUF "msgsendbuf" /* (desc, value, struct sv_msgbuf *, count) -> result */
#define SV_HC_MSGCLOSE "msgclose"     /* (desc) -> 0 */
#define SV_HC_KILL "kill"             /* (desc) -> 0: kills the process desc reaches */
#define SV_HC_PS "ps"                 /* (struct sv_ps_entry *, max entries) -> entries written */
#define SV_HC_LOG "log"               /* (buf, size, offset) -> bytes of the VMM log from offset */
#define SV_HC_AUDIT "audit"           /* (struct sv_audit_entry *, max, first) -> entries written */
#define SV_HC_BUILTIN "builtin"       /* (name, value, flags) -> descriptor, see below */
#define SV_HC_BENCH "bench"           /* (struct sv_bench *) -> 0: process costs in cycles */
#define SV_HC_NEWPROCESS2 "newprocess2" /* (struct sv_newprocess_args *) -> descriptor, see below */
#define SV_HC_PROCINPUT "procinput"     /* (desc, buf, len) -> len: queues lines for lineinput */
#define SV_HC_MSGCALL "msgcall"       /* (struct sv_msgcall *) -> status; see below */
#define SV_HC_CPUSTAT "cpustat"       /* (cpu index, struct sv_cpu_stats *, size) -> its size; -SV_ENOENT past the last */
#define SV_HC_IOMMU "iommu"           /* (struct sv_iommu_info *, size) -> its size: DMA protection */

/*
 * Versioned processes (issue 15; docs/signatures.md).  Argument shapes, in
 * register order, for a driver that copies them:
 *   ps2     (struct sv_ps_entry2 *out, max entries)            -> entries written;
 *           out: max * sizeof(struct sv_ps_entry2) bytes, written
 *   audit2  (struct sv_audit_entry2 *out, max, first seq)      -> entries written;
 *           out: max * sizeof(struct sv_audit_entry2) bytes, written
 *   revoke  (list, list_len, sig, sig_len)                     -> processes killed (>= 0);
 *           list: list_len bytes (at most SV_REVLIST_MAX_SIZE), read;
 *           sig: sig_len bytes (at most the max_sig_size option), read
 *   measure (struct sv_measure_info *info, struct sv_measure_event *out, max, first)
 *                                                              -> events written;
 *           info: sizeof(struct sv_measure_info) bytes, written;
 *           out: max * sizeof(struct sv_measure_event) bytes, written
 * The older ps and audit stay as they were: they write the sv_ps_entry /
 * sv_audit_entry prefix of each record.
 */
#define SV_HC_PS2 "ps2"
#define SV_HC_AUDIT2 "audit2"
#define SV_HC_REVOKE "revoke"
#define SV_HC_MEASURE "measure"
#define SV_REVLIST_MAX_SIZE (24u + 512u * 32u)

struct sv_bench {
	uint64_t tsc_hz;
	uint64_t create_call_exit; /* hello: create + first message + kill, median of 15 */
	uint64_t null_syscall;     /* one int $0x80 round trip from ring 3 */
	uint64_t msg_roundtrip;    /* msgsendint to another process and back */
	uint64_t empty_call;       /* VMM -> handler -> trampoline return, nothing done */
};

/* Limits of newprocess's copies (build options max_binary_size, max_sig_size). */
#define SV_BUILTIN_KILL_AFTER 1u      /* builtin flags: kill the process after _start */

/*
 * newprocess2's one argument: newprocess's four, plus input lines queued
 * before _start runs and a name under which processes can start fresh
 * copies (newprocess(name) inside a process).  64 bytes, fields only
 * ever appended.
 */
struct sv_newprocess_args {
	uint64_t bin, bin_size, sig, sig_size;
	uint64_t input, input_size; /* lines for lineinput; 0, 0: none */
	uint64_t name;              /* NUL-terminated program name; 0: p-<sha256> */
	uint64_t reserved;          /* 0 */
};
_Static_assert(sizeof(struct sv_newprocess_args) == 64, "newprocess2 ABI");

/* A buffer of msgsendbuf, in the guest's memory. */
struct sv_msgbuf {
	uint64_t base;
	uint32_t len;
	int32_t rw; /* 1: the handler's changes are copied back */
};

/*
 * msgcall's one argument.  msgsendint and msgsendbuf return the handler's
 * int or a VMM error in the same number, and a handler may return any int
 * (-43 as well as -SV_ETIMEOUT); msgcall keeps them apart: status 0 and
 * result = the handler's return value, or status = -SV_E* (the VMM's:
 * bad descriptor, the process faulted, ran out of time, was killed...)
 * and result 0.  status, result and reserved must be 0 on the way in.
 */
#define SV_MSGCALL_BUFS 1u /* flags: MSG_BUF with count struct sv_msgbuf at bufs */
struct sv_msgcall {
	int64_t desc;
	int32_t value;
	uint32_t flags;
	uint64_t bufs;     /* struct sv_msgbuf[count] when SV_MSGCALL_BUFS */
	uint32_t count;
	int32_t status;    /* out */
	int32_t result;    /* out */
	uint32_t reserved;
};
_Static_assert(sizeof(struct sv_msgcall) == 40, "msgcall ABI");

struct sv_ps_entry {
	int32_t desc;        /* the guest's descriptor reaching handler 0, or -1 */
	int32_t id;          /* process id */
	char name[32];
	uint32_t elf_class;  /* 32 or 64 */
	uint32_t state;      /* 1 loading, 2 alive */
	uint64_t pages;      /* memory charged, in 4 KiB pages */
	uint64_t cycles;     /* TSC cycles it has run */
	uint8_t sha256[32];  /* of its ELF image; zero for built-ins */
};

struct sv_audit_entry {
	uint64_t seq;        /* attempt number since boot, from 1 */
	uint64_t time_us;    /* microseconds since the VMM started */
	uint64_t size;       /* binary size the guest asked for */
	uint8_t sha256[32];  /* of the binary as copied (zero if not copied) */
	uint8_t key_id[32];  /* of the key that verified it (zero if none) */
	int32_t result;      /* descriptor or -SV_E* */
	uint32_t reserved;
	/* Cycles of each step: copy-in, hash, signature, ELF mapping, first run. */
	uint64_t cycles[5];
	uint64_t tsc_hz;
};

/* ps2: an sv_ps_entry, then who the process says it is (its manifest). */
struct sv_ps_entry2 {
	struct sv_ps_entry v1;
	char product[32];    /* "none" without a manifest; "" for built-ins */
	uint32_t svn;        /* security version, 0 without a manifest */
	int32_t key;         /* index of the trusted key that verified it, -1: built-in */
	uint8_t key_id[32];  /* that key's id; zero for built-ins */
};
_Static_assert(sizeof(struct sv_ps_entry2) == 168, "ps2 ABI");

/* Kinds of audit2 records. */
#define SV_AUDIT_LOAD 0    /* a newprocess attempt */
#define SV_AUDIT_REVLIST 1 /* a revoke attempt: sha256 = the list's, size = its length */
#define SV_AUDIT_KILL 2    /* a process killed by policy: sha256/key_id its own, result = why */

/* audit2: an sv_audit_entry, then the policy's view of the attempt. */
struct sv_audit_entry2 {
	struct sv_audit_entry v1;
	uint32_t kind;        /* SV_AUDIT_* */
	uint32_t svn;         /* the binary's SVN (load, kill) */
	uint32_t min_svn;     /* the minimum it was held to (load) */
	int32_t proc_id;      /* the process loaded or killed, -1 if none */
	char product[32];     /* the binary's product ("" when not read that far) */
	uint64_t list_version; /* revlist: the list's version (0 if not parsed) */
};
_Static_assert(sizeof(struct sv_audit_entry2) == 200, "audit2 ABI");

/*
 * The measurement register and its log (docs/signatures.md, "Measurement
 * log").  The register starts at 32 zero bytes and each event extends it,
 * as a TPM extends a SHA-256 PCR:
 *     register = SHA-256(register || event.digest),
 *     event.digest = SHA-256(event.data[0, data_len)).
 */
#define SV_MEV_VMM_IMAGE 1    /* data: image digest[32] = SHA-256(text digest || rodata digest), text digest[32],
                               * rodata digest[32], u64 text bytes, u64 rodata bytes */
#define SV_MEV_TRUSTED_KEYS 2 /* data: u32 count, u32 0, sha256 of the ids in order[32] */
#define SV_MEV_LOAD 3         /* data: binary sha256[32], key id[32], u32 svn, u32 0, product[32] */
#define SV_MEV_REVLIST 4      /* data: list sha256[32], key id[32], u64 version, u32 digests, u32 keys */
#define SV_MEV_OVERFLOW 5      /* data: none.  The log is full: later events extended the register
                               * without being logged (always the last event, in the last slot) */
#define SV_MEV_CMDLINE 6       /* data: sha256 of the VMM command line[32], u32 its bytes, u32 0, its first
                               * 80 bytes (zeros after it): always the third event */
#define SV_MEASURE_DATA_MAX 120

struct sv_measure_event {
	uint32_t type;      /* SV_MEV_* */
	uint32_t data_len;  /* bytes of data[] that count */
	uint8_t digest[32]; /* SHA-256(le32 type || data[0, data_len)): what was extended */
	uint8_t data[SV_MEASURE_DATA_MAX]; /* the rest zero */
};
_Static_assert(sizeof(struct sv_measure_event) == 160, "measure ABI");

struct sv_measure_info {
	uint8_t reg[32];     /* the register after the first `count` events */
	uint32_t count;      /* events in the log */
	uint32_t capacity;   /* events the log can hold */
	uint32_t event_size; /* sizeof(struct sv_measure_event) */
	/*
	 * The TPM anchor (docs/tpm.md): bits 0-7 the VMM's PCR (0: none),
	 * bit 8 every event so far is extended into it (anchored), bit 9 a
	 * TPM error broke it, bits 16-31 how many events were extended.
	 */
	uint32_t tpm;
};
#define SV_MEASURE_TPM_PCR(t) ((t) & 0xffu)
#define SV_MEASURE_TPM_ANCHORED 0x100u
#define SV_MEASURE_TPM_BROKEN 0x200u
#define SV_MEASURE_TPM_EXTENDED(t) ((t) >> 16)
_Static_assert(sizeof(struct sv_measure_info) == 48, "measure ABI");

#define SV_STATS_EXIT_REASONS 16

/* Exit reasons in sv_stats.exits[], the same order as the VMM's counters. */
#define SV_STATS_EXIT_NAMES                                                         \
	{ "none", "hypercall", "cpuid", "rdmsr", "wrmsr", "virt-insn", "invd", "xsetbv", \
	  "shutdown", "init", "sipi", "npf", "invalid", "unknown", "apic", "nmi" }

struct sv_stats {
	uint32_t size;       /* sizeof(struct sv_stats) as the VMM knows it */
	uint32_t backend;    /* 1 = AMD SVM, 2 = Intel VMX */
	uint64_t image_start, image_end; /* VMM memory hidden from the guest */
	uint64_t pool_start, pool_end;
	uint64_t pool_pages_free, pool_pages_total;
	uint64_t exits_total;
	uint64_t exits[SV_STATS_EXIT_REASONS];
	uint64_t tsc_hz_estimate; /* 0 when unknown */
	uint64_t log_total;       /* bytes ever written to the VMM log (the ring keeps the last 64 KiB) */
	uint64_t log_ring_size;
	/* Since the SMP release; a caller with a smaller buffer gets the part above. */
	uint32_t cpus;            /* CPUs the VMM knows (brought in at boot) */
	uint32_t cpus_running;    /* of those, CPUs that run the guest */
	uint32_t cpus_held;       /* held in the VMM: failed, late or over -Dmax_cpus */
	uint32_t reserved;
	/* Since the isolation release (the VMM copies as much as the caller's buffer holds). */
	uint64_t audit_total;     /* newprocess records ever made (the ring keeps the last 64) */
	uint64_t console_dropped; /* bytes the console's transmit ring had no room for (the log has them) */
	/* Since DMA protection (struct sv_iommu_info has the details). */
	uint32_t iommu_state;     /* SV_IOMMU_OFF, _NONE, _ON, _FAILED */
	uint32_t iommu_units;     /* units translating */
	uint64_t iommu_faults;    /* blocked DMAs seen since boot */
	/* Since device interrupts are blocked (docs/iommu.md). */
	uint64_t iommu_intr_blocked; /* interrupt requests (INIT, NMI, ...) the units reported aborting */
};

/* CPU states in sv_cpu_stats.state. */
#define SV_CPU_NO_ANSWER 2
#define SV_CPU_HELD 3
#define SV_CPU_READY 4   /* set up, waiting for the guest's SIPI (not started yet) */
#define SV_CPU_GUEST 5   /* runs the guest (or waits for SIPI after the guest's INIT) */

struct sv_cpu_stats {
	uint32_t size;
	uint32_t index;      /* 0 = the boot CPU */
	uint32_t apic_id;
	uint32_t state;      /* SV_CPU_* */
	uint32_t sipis;      /* times the guest started it */
	uint32_t caller;     /* 1 when this is the CPU the hypercall came from */
	uint64_t exits_total;
	uint64_t exits[SV_STATS_EXIT_REASONS];
};

/* DMA protection: iommu_state in sv_stats and sv_iommu_info. */
#define SV_IOMMU_OFF 0    /* iommu=off: the units are left alone */
#define SV_IOMMU_NONE 1   /* no unit found: devices can reach VMM memory */
#define SV_IOMMU_ON 2     /* every unit found translates; VMM memory out of DMA reach */
#define SV_IOMMU_FAILED 3 /* a unit could not be programmed */

/*
 * The iommu hypercall's record.  The VMM keeps two self-test pages, one
 * in its image and one in its pool, filled with SV_IOMMU_CANARY_BYTE(i)
 * at boot and never written again: a DMA that reached them would show
 * in canary_*_ok.  Fields only ever appended.
 */
#define SV_IOMMU_CANARY_BYTE(i) ((uint8_t)(((i) * 37u + 0x5au) & 0xffu))
struct sv_iommu_info {
	uint32_t size;
	uint32_t mode;    /* 0 auto, 1 required, 2 off */
	uint32_t state;   /* SV_IOMMU_* */
	uint32_t vendor;  /* 0 none, 1 Intel VT-d, 2 AMD-Vi */
	uint32_t units;   /* units translating */
	uint32_t units_found;
	uint64_t unit_base[4]; /* their register pages (absent from the guest's map) */
	uint64_t faults;  /* blocked DMAs seen since boot */
	uint64_t last_addr; /* the last one: DMA address, */
	uint32_t last_sid;  /* requester bus << 8 | dev << 3 | fn, */
	uint32_t last_write; /* 1 write, 0 read */
	uint64_t canary_image, canary_pool; /* physical addresses of the self-test pages */
	uint32_t canary_image_ok, canary_pool_ok; /* 1: every byte as at boot */
	/* Since device interrupts are blocked. */
	uint32_t intr_mode;     /* iommu_intr=: 0 auto, 1 block, 2 pass */
	uint32_t intr_blocking; /* 1: every unit blocks INIT, NMI, SMI and ExtINT from devices */
	uint64_t intr_blocked;  /* interrupt requests the units reported aborting (not in faults) */
};

#endif
