/*
 * The one interface between common VMM code and a vendor backend
 * (AMD SVM in arch/x86/svm, Intel VMX in arch/x86/vmx).
 *
 * A backend owns its VMCB/VMCS; nothing outside its folder sees one.  It
 * turns every exit into a struct sv_exit, and common code (guest/exit.c)
 * handles that record without knowing which vendor produced it.  Exits the
 * backend can finish on its own (an EFER access that only matters because
 * of SVM's SVME bit, say) never reach common code.
 */
#ifndef SV_VCPU_H
#define SV_VCPU_H

#include <sv/types.h>

/* Guest general-purpose registers, in the order the vendor entry stubs use. */
struct sv_gprs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
/* The assembly's offsets (arch/gprs.h) follow from this order. */
_Static_assert(__builtin_offsetof(struct sv_gprs, rsi) == 32, "sv_gprs layout");
_Static_assert(__builtin_offsetof(struct sv_gprs, rbp) == 48, "sv_gprs layout");
_Static_assert(__builtin_offsetof(struct sv_gprs, r15) == 112, "sv_gprs layout");

/* Why the guest stopped, as common code sees it. */
enum sv_exit_reason {
	SV_EXIT_NONE = 0,
	SV_EXIT_HYPERCALL,   /* vmmcall / vmcall */
	SV_EXIT_CPUID,
	SV_EXIT_RDMSR,       /* msr.index set */
	SV_EXIT_WRMSR,       /* msr.index, msr.value set */
	SV_EXIT_VIRT_INSN,   /* the guest tried SVM/VMX itself: gets #UD */
	SV_EXIT_INVD,        /* VMX makes INVD exit: emulate as WBINVD */
	SV_EXIT_XSETBV,
	SV_EXIT_SHUTDOWN,    /* triple fault */
	SV_EXIT_INIT,
	SV_EXIT_SIPI,
	SV_EXIT_NPF,         /* nested/EPT fault: npf.gpa, npf.write */
	SV_EXIT_INVALID,     /* the CPU refused the guest state */
	SV_EXIT_UNKNOWN,     /* raw holds the vendor exit code */
	SV_EXIT_APIC,        /* an access to the trapped xAPIC page: npf.gpa, npf.write */
	SV_EXIT_NMI,         /* an NMI reached the VMM (ours, or the guest's, queued) */
	SV_EXIT_COUNT
};

struct sv_exit {
	enum sv_exit_reason reason;
	uint32_t insn_len;   /* bytes to skip when the exit is emulated */
	uint64_t raw;        /* vendor exit code, for logs */
	union {
		struct {
			uint32_t index;
			uint64_t value;
		} msr;
		struct {
			uint64_t gpa;
			bool write;
		} npf;
		struct {
			uint32_t vector;
		} sipi;
	};
};

/* What the guest-memory helper needs to walk the caller's page tables. */
struct sv_guest_paging {
	uint64_t cr0, cr3, cr4, efer;
	unsigned int cpl;
	uint64_t cs_base;    /* for fetching the instruction at RIP */
	unsigned int cs_bits; /* 16, 32 or 64: the code segment's mode */
};

/* Initial guest state, vendor-neutral: 32-bit flat protected mode. */
struct sv_guest_boot {
	uint32_t eip, esi;
	uint32_t gdt_base, gdt_limit;
	uint16_t cs_sel, ds_sel;
	uint64_t npt_root;   /* filled by the backend's npt/ept builder */
};

struct sv_vcpu {
	struct sv_gprs regs;
	uint64_t rip;        /* synced by the backend after every exit */
	uint64_t rsp;
	uint64_t rflags;
	void *vendor;        /* the backend's own state (VMCB/VMCS and more) */
	uint64_t exits[SV_EXIT_COUNT];
	uint64_t exits_total;
	unsigned int cpu;    /* index of the CPU it runs on (struct sv_cpu) */
	uint32_t apic_id;
	bool wait_sipi;      /* after INIT: waits for a SIPI, as a real AP does */
	uint32_t sipis;      /* SIPIs that started it, for stats */
	bool sipi_fresh;     /* started by a SIPI, no exit since (guest/exit.c) */
};

/* A physical range the guest must not see (the VMM's own memory). */
struct sv_range {
	uint64_t base, size;
};

struct sv_vcpu_ops {
	const char *name;    /* "AMD SVM", "Intel VMX" */
	unsigned int id;     /* sv_stats.backend: 1 = AMD SVM, 2 = Intel VMX */
	/* 0 when this CPU can run the backend; else prints why, -SV_ENODEV. */
	int (*probe)(void);
	/* Enables virtualization on this CPU (EFER.SVME / VMXON). */
	int (*enable)(void);
	/*
	 * Builds the nested page tables: identity map of [0, max_phys) minus
	 * the hidden ranges, which map to one sink page instead.
	 */
	int (*build_npt)(uint64_t max_phys, const struct sv_range *hidden,
			 unsigned int nhidden, uint64_t sink_page);
	/* Pages the guest may not reach at all: every access exits (SV_EXIT_APIC). */
	int (*trap_page)(uint64_t gpa);
	int (*vcpu_init)(struct sv_vcpu *v, const struct sv_guest_boot *boot);
	/* An AP's vCPU, in the state after INIT: waiting for a SIPI. */
	int (*vcpu_init_ap)(struct sv_vcpu *v);
	/* INIT reached v (an AP): back to the INIT state, waiting for a SIPI. */
	void (*vcpu_init_signal)(struct sv_vcpu *v);
	/* A SIPI for a waiting v: real mode at CS = vector << 8, IP = 0. */
	void (*vcpu_sipi)(struct sv_vcpu *v, uint8_t vector);
	/*
	 * True when the CPU itself waits for SIPI in guest mode (VMX activity
	 * state); false when the VMM must learn of INIT/SIPI from the guest's
	 * ICR writes (SVM, guest/apic.c).
	 */
	bool hw_sipi;
	/* Keeps a CPU that will never run the guest where INIT cannot reach it. */
	void (*hold)(bool enabled);
	/*
	 * hw_sipi backends only: from now on, vCPUs made exit on writes of
	 * the x2APIC ICR and the APIC base (guest/apic.c's filter mode).
	 */
	void (*trap_apic_msrs)(void);
	/* Runs the guest until the next exit common code must handle. */
	void (*run)(struct sv_vcpu *v, struct sv_exit *exit);
	/* Exception injection at the next entry (vector, error code or -1). */
	void (*inject_exception)(struct sv_vcpu *v, unsigned int vector, int64_t error_code);
	void (*get_paging)(struct sv_vcpu *v, struct sv_guest_paging *p);
	/*
	 * An interrupt (vector >= 32) or NMI meant for the guest arrived while
	 * the VMM ran: deliver it at the next entry, when the guest can take it.
	 */
	void (*queue_event)(struct sv_vcpu *v, unsigned int vector, bool nmi);
	/*
	 * Lets host interrupts through (SVM: GIF) while a process runs with
	 * RFLAGS.IF set, and closes them again.  NULL when nothing is needed.
	 */
	void (*host_irq_window)(bool open);
};

extern const struct sv_vcpu_ops svm_ops;
extern const struct sv_vcpu_ops vmx_ops;

/* Common exit handling (guest/exit.c). Returns false when the guest is gone. */
bool exit_handle(const struct sv_vcpu_ops *ops, struct sv_vcpu *v, const struct sv_exit *e);

#endif
