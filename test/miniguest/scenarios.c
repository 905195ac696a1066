/*
 * The mini guest's scenarios, run in table order.  Each checks one
 * promise of the hypercall interface or of the virtualization layer as
 * a guest sees it, identically on VMX and SVM; add new ones to the table
 * at the bottom (a file of their own is fine: declare the function here).
 */
#include "mg.h"

#define VEC_UD 6
#define VEC_GP 13

static uint8_t buf[4096] __attribute__((aligned(4096)));
static uint32_t pd[1024] __attribute__((aligned(4096)));

static int32_t lookup(const char *name)
{
	return mg_hypercall(SV_HC_GET_NUMBER, (uint32_t)(uintptr_t)name, 0, 0, 0);
}

static int cpuid_signature(void)
{
	uint32_t r[4];
	char sig[13];

	mg_cpuid(1, 0, r);
	if (!(r[2] & (1u << 31)))
		return mg_fail("CPUID.1:ECX.hypervisor (bit 31) clear");
	if (r[2] & (1u << 5))
		return mg_fail("CPUID.1:ECX.VMX visible to the guest");
	mg_cpuid(0x80000001, 0, r);
	if (r[2] & (1u << 2))
		return mg_fail("CPUID.80000001:ECX.SVM visible to the guest");
	mg_cpuid(SV_CPUID_LEAF, 0, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = '\0';
	if (memcmp(sig, SV_CPUID_SIGNATURE, 12))
		return mg_fail("leaf 0x40000000 says '%s'", sig);
	if (r[0] < SV_CPUID_LEAF + 1)
		return mg_fail("leaf 0x40000000 EAX (max leaf) %x", r[0]);
	return 0;
}

static int lookup_names(void)
{
	int32_t v = lookup(SV_HC_VERSION);

	if (v <= 0)
		return mg_fail("get_vmmcall_number(\"version\") = %d", v);
	int32_t none = lookup("no-such-hypercall");
	if (none != 0)
		return mg_fail("unknown name gives %d, not 0", none);
	if (lookup("") != 0)
		return mg_fail("empty name not 0");
	return 0;
}

static int version(void)
{
	int32_t nr = lookup(SV_HC_VERSION);

	memset(buf, 0xaa, 128);
	int32_t len = mg_hypercall((uint32_t)nr, (uint32_t)(uintptr_t)buf, 128, 0, 0);
	if (len <= 0 || len >= 128)
		return mg_fail("version returned %d", len);
	if (memcmp(buf, "Sealvisor ", 10) || buf[len] != '\0' || strlen((char *)buf) != (size_t)len)
		return mg_fail("version string wrong");
	mg_printf("MINIGUEST version: %s\n", (char *)buf);
	int32_t small = mg_hypercall((uint32_t)nr, (uint32_t)(uintptr_t)buf, 4, 0, 0);
	if (small != -SV_ERANGE)
		return mg_fail("4-byte buffer gives %d, not -SV_ERANGE", small);
	return 0;
}

static int unknown_number(void)
{
	int32_t rc = mg_hypercall(0x7fffffff, 0, 0, 0, 0);

	if (rc != -SV_ENOSYS)
		return mg_fail("number 0x7fffffff gives %d, not -SV_ENOSYS", rc);
	rc = mg_hypercall(0x10000, 0, 0, 0, 0);
	if (rc != -SV_ENOSYS)
		return mg_fail("number 0x10000 gives %d, not -SV_ENOSYS", rc);
	return 0;
}

static int bad_pointers(void)
{
	int32_t nr = lookup(SV_HC_VERSION);
	/* 4 MiB: the VMM image (boot/vmm.ld), hidden from the guest. */
	static const uint32_t bad[] = { 0x400000, 0x5ff000, 0xe0000000, 0xfffff000 };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int32_t rc = mg_hypercall((uint32_t)nr, bad[i], 64, 0, 0);
		if (rc != -SV_EFAULT)
			return mg_fail("version into %x gives %d, not -SV_EFAULT", bad[i], rc);
		rc = mg_hypercall(SV_HC_GET_NUMBER, bad[i], 0, 0, 0);
		if (rc != -SV_EFAULT)
			return mg_fail("name at %x gives %d, not -SV_EFAULT", bad[i], rc);
	}
	/* A buffer that runs from guest RAM into the VMM's memory. */
	int32_t rc = mg_hypercall((uint32_t)nr, 0x400000 - 8, 64, 0, 0);
	if (rc != -SV_EFAULT)
		return mg_fail("buffer straddling into the VMM gives %d", rc);
	return 0;
}

static int hidden_memory(void)
{
	/* The VMM's memory reads as the sink page (all ones), never as its bytes. */
	volatile const uint32_t *p = (const uint32_t *)0x400000;

	for (unsigned int i = 0; i < 1024; i += 64) {
		if (p[i] != 0xffffffffu)
			return mg_fail("VMM image visible at %x: %x", 0x400000 + i * 4, p[i]);
	}
	return 0;
}

static int stats(void)
{
	int32_t nr = lookup(SV_HC_STATS);
	struct sv_stats *s = (struct sv_stats *)buf;

	if (nr <= 0)
		return mg_fail("no stats hypercall");
	memset(buf, 0, sizeof(struct sv_stats));
	int32_t rc = mg_hypercall((uint32_t)nr, (uint32_t)(uintptr_t)buf, sizeof(*s), 0, 0);
	if (rc != (int32_t)sizeof(*s))
		return mg_fail("stats returned %d", rc);
	uint32_t want = mg_is_intel() ? 2 : 1;
	if (s->backend != want)
		return mg_fail("backend %u on this CPU, expected %u", s->backend, want);
	if (s->exits_total == 0 || s->exits[1] == 0)
		return mg_fail("no exits counted");
	mg_printf("MINIGUEST backend %s, %u exits so far\n", want == 2 ? "Intel VMX" : "AMD SVM",
		  (uint32_t)s->exits_total);
	return 0;
}

static uint64_t rdmsr_try(uint32_t msr)
{
	uint32_t lo = 0, hi = 0;

	mg_expect_fault(2);
	__asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static int hidden_msrs(void)
{
	if (!mg_is_intel()) {
		/* SVM: VM_CR reads "disabled by firmware", VM_HSAVE_PA does not exist. */
		uint64_t vmcr = rdmsr_try(0xc0010114);
		if (mg_fault_vector != -1 || !(vmcr & (1u << 4)))
			return mg_fail("VM_CR: vector %d value %llx, not SVMDIS", mg_fault_vector,
				       (unsigned long long)vmcr);
		(void)rdmsr_try(0xc0010117);
		if (mg_fault_vector != VEC_GP)
			return mg_fail("rdmsr VM_HSAVE_PA: vector %d, not #GP", mg_fault_vector);
		return 0;
	}
	/* VMX: the capability MSRs do not exist on a CPU that shows no VMX. */
	(void)rdmsr_try(0x480); /* IA32_VMX_BASIC */
	if (mg_fault_vector != VEC_GP)
		return mg_fail("rdmsr IA32_VMX_BASIC: vector %d, not #GP", mg_fault_vector);
	(void)rdmsr_try(0x48d);
	if (mg_fault_vector != VEC_GP)
		return mg_fail("rdmsr IA32_VMX_TRUE_PINBASED_CTLS: vector %d", mg_fault_vector);
	/* IA32_FEATURE_CONTROL: locked, VMX off; writing it is #GP. */
	uint64_t fc = rdmsr_try(0x3a);
	if (mg_fault_vector != -1 || (fc & 6) || !(fc & 1))
		return mg_fail("IA32_FEATURE_CONTROL: vector %d value %llx", mg_fault_vector,
			       (unsigned long long)fc);
	mg_expect_fault(2);
	__asm__ volatile("wrmsr" : : "c"(0x3a), "a"((uint32_t)fc | 4), "d"((uint32_t)(fc >> 32)));
	if (mg_fault_vector != VEC_GP)
		return mg_fail("wrmsr IA32_FEATURE_CONTROL: vector %d, not #GP", mg_fault_vector);
	return 0;
}

static int virt_instructions(void)
{
	static uint64_t region;

	/* vmxon (%eax) is f3 0f c7 30, vmrun 0f 01 d8, stgi 0f 01 dc. */
	mg_expect_fault(4);
	__asm__ volatile(".byte 0xf3, 0x0f, 0xc7, 0x30" : : "a"(&region) : "memory"); /* vmxon (%eax) */
	if (mg_fault_vector != VEC_UD)
		return mg_fail("vmxon: vector %d, not #UD", mg_fault_vector);
	mg_expect_fault(3);
	__asm__ volatile(".byte 0x0f, 0x01, 0xd8" : : "a"(0) : "memory"); /* vmrun */
	if (mg_fault_vector != VEC_UD)
		return mg_fail("vmrun: vector %d, not #UD", mg_fault_vector);
	mg_expect_fault(3);
	__asm__ volatile(".byte 0x0f, 0x01, 0xdc" ::: "memory"); /* stgi */
	if (mg_fault_vector != VEC_UD)
		return mg_fail("stgi: vector %d, not #UD", mg_fault_vector);
	return 0;
}

static inline uint32_t read_cr0(void)
{
	uint32_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_cr4(void)
{
	uint32_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static int control_registers(void)
{
	uint32_t cr0 = read_cr0(), cr4 = read_cr4();

	if (cr4 & (1u << 13))
		return mg_fail("CR4.VMXE visible: %x", cr4);
	/*
	 * Setting CR4.VMXE on a CPU that shows no VMX is #GP (mov %eax,%cr4
	 * is 3 bytes); QEMU's TCG raises #UD for it on AMD models.
	 */
	mg_expect_fault(3);
	__asm__ volatile(".byte 0x0f, 0x22, 0xe0" : : "a"(cr4 | (1u << 13)) : "memory");
	if (mg_fault_vector == -1 || (mg_is_intel() && mg_fault_vector != VEC_GP))
		return mg_fail("setting CR4.VMXE: vector %d, not #GP", mg_fault_vector);
	if (read_cr4() & (1u << 13))
		return mg_fail("CR4.VMXE reads back set");
	/* CR0.NE (which VMX forces underneath) reads back as the guest wrote it. */
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 & ~(1u << 5)) : "memory");
	uint32_t got = read_cr0();
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | (1u << 5)) : "memory");
	if (got & (1u << 5))
		return mg_fail("CR0.NE cleared reads back %x", got);
	if (!(read_cr0() & (1u << 5)))
		return mg_fail("CR0.NE set does not read back");
	return 0;
}

static int invd_wbinvd(void)
{
	__asm__ volatile("wbinvd; invd" ::: "memory");
	return 0;
}

static int xsetbv(void)
{
	uint32_t r[4];

	mg_cpuid(1, 0, r);
	if (!(r[2] & (1u << 26))) {
		mg_printf("MINIGUEST note: no XSAVE, xsetbv skipped\n");
		return 0;
	}
	uint32_t cr4 = read_cr4();
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | (1u << 18)) : "memory"); /* OSXSAVE */
	__asm__ volatile("xsetbv" : : "c"(0), "a"(3), "d"(0)); /* x87 + SSE */
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	if (lo != 3 || hi != 0)
		return mg_fail("XCR0 after xsetbv(3) is %x:%x", hi, lo);
	mg_expect_fault(3);
	__asm__ volatile("xsetbv" : : "c"(0), "a"(2), "d"(0)); /* x87 off: #GP */
	if (mg_fault_vector != VEC_GP)
		return mg_fail("xsetbv without x87: vector %d, not #GP", mg_fault_vector);
	__asm__ volatile("xsetbv" : : "c"(0), "a"(1), "d"(0));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	return 0;
}

/*
 * 32-bit paging with 4 MiB pages: the first GiB identity-mapped, the
 * 4 MiB frame holding buf also seen at 0xc0000000, nothing at 0xc0400000.
 * The VMM must walk these tables to find the caller's buffer.
 */
static int paging32(void)
{
	uint32_t r[4];
	uint32_t b = (uint32_t)(uintptr_t)buf;
	uint32_t alias = 0xc0000000u + (b & 0x3fffff);

	mg_cpuid(1, 0, r);
	if (!(r[3] & (1u << 3)))
		return mg_fail("no PSE");
	for (unsigned int i = 0; i < 256; i++)
		pd[i] = (i << 22) | 0x83; /* P, W, PS */
	pd[0x300] = (b & 0xffc00000u) | 0x83;
	int32_t nr = lookup(SV_HC_VERSION);
	uint32_t cr4 = read_cr4(), cr0 = read_cr0();
	__asm__ volatile("mov %0, %%cr3" : : "r"((uint32_t)(uintptr_t)pd) : "memory");
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | (1u << 4)) : "memory");
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | (1u << 31)) : "memory");

	memset(buf, 0, 64);
	int32_t len = mg_hypercall((uint32_t)nr, alias, 64, 0, 0);
	int32_t unmapped = mg_hypercall((uint32_t)nr, 0xc0400000u, 64, 0, 0);
	/* The name, too, is read through the guest's page tables. */
	memcpy(buf + 2048, SV_HC_VERSION, sizeof(SV_HC_VERSION));
	int32_t name_nr = mg_hypercall(SV_HC_GET_NUMBER, alias + 2048, 0, 0, 0);

	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	if (len <= 0 || memcmp(buf, "Sealvisor ", 10))
		return mg_fail("version through the alias at %x: %d", alias, len);
	if (name_nr != nr)
		return mg_fail("name through the alias gives %d, not %d", name_nr, nr);
	if (unmapped != -SV_EFAULT)
		return mg_fail("version into an unmapped page gives %d, not -SV_EFAULT", unmapped);
	return 0;
}

/*
 * CPUID with a redundant operand-size prefix is 3 bytes, not 2: only a VMM
 * that takes the length from the CPU (VMX's exit instruction length, SVM's
 * next RIP with NRIPS) resumes at the right byte.  Without NRIPS the VMM
 * must assume the plain 2-byte form, so the check runs on Intel, or when the
 * test tells the guest that the CPU has NRIPS (command line "expect-nrips").
 */
static int prefixed_cpuid(void)
{
	uint32_t a = SV_CPUID_LEAF, b = 0, c = 0, d = 0, after = 0;

	if (!mg_is_intel() && !mg_option("expect-nrips")) {
		mg_printf("MINIGUEST note: SVM without NRIPS here, prefixed CPUID skipped\n");
		return 0;
	}
	__asm__ volatile(".byte 0x66, 0x0f, 0xa2\n\t" /* data16 cpuid */
			 "movl $0x600d, %4"
			 : "+a"(a), "=b"(b), "+c"(c), "=d"(d), "=r"(after));
	if (after != 0x600d)
		return mg_fail("execution did not resume after the prefixed CPUID");
	if (memcmp(&b, "Seal", 4) || memcmp(&c, "viso", 4) || memcmp(&d, "rVMM", 4))
		return mg_fail("prefixed CPUID did not return the signature");
	return 0;
}

/* Starts a built-in process (vmm/builtin) through the "builtin" hypercall. */
static int32_t builtin(const char *name, int32_t value, uint32_t flags)
{
	int32_t nr = lookup(SV_HC_BUILTIN);

	if (nr <= 0)
		return -1000;
	return mg_hypercall((uint32_t)nr, (uint32_t)(uintptr_t)name, (uint32_t)value, flags, 0);
}

static int process_faults(void)
{
	/* A process that faults is killed; the call says so; VMM and guest go on. */
	static const char *const faulting[] = { "t-divzero", "t-ud", "t-divzero32", "t-ud32" };

	for (unsigned int i = 0; i < sizeof(faulting) / sizeof(faulting[0]); i++) {
		int32_t rc = builtin(faulting[i], 0, 0);
		if (rc != -SV_EFAULTED)
			return mg_fail("%s gives %d, not -SV_EFAULTED", faulting[i], rc);
	}
	if (lookup(SV_HC_VERSION) <= 0)
		return mg_fail("VMM not answering after the faults");
	return 0;
}

static int process_budget(void)
{
	int32_t rc = builtin("t-loop", 0, 0);

	if (rc != -SV_ETIMEOUT)
		return mg_fail("t-loop gives %d, not -SV_ETIMEOUT", rc);
	return 0;
}

static int process_messages(void)
{
	static const char *const services[] = { "t-echo", "t-echo32" };
	static const char *const clients[] = { "t-client", "t-client32" };

	for (unsigned int i = 0; i < 2; i++) {
		int32_t rc = builtin(services[i], 0, 0);
		if (rc < 0)
			return mg_fail("%s gives %d", services[i], rc);
	}
	for (unsigned int i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		for (int32_t v = 0; v < 2; v++) {
			int32_t rc = builtin(clients[i], v, SV_BUILTIN_KILL_AFTER);
			if (rc != 0)
				return mg_fail("%s %d gives %d, not 0", clients[i], v, rc);
		}
	}
	return 0;
}

/*
 * The guest starts its AP as on bare metal: INIT, SIPI, SIPI through the
 * xAPIC ICR, to a real-mode page of its own.  The AP runs CPUID leaf
 * 0x40000000 there and stores EBX and a flag: it must run, in real mode
 * at the SIPI vector, under the VMM (the signature's "Seal").
 */
#define AP_PAGE 0x20000u
#define APIC_ICR_LO ((volatile uint32_t *)0xfee00300u)
#define APIC_ICR_HI ((volatile uint32_t *)0xfee00310u)

static void spin(uint32_t n)
{
	for (volatile uint32_t i = 0; i < n; i++)
		;
}

static int ap_start(void)
{
	static const uint8_t code[] = {
		0xfa,                               /* cli */
		0x8c, 0xc8,                         /* mov %cs, %ax */
		0x8e, 0xd8,                         /* mov %ax, %ds */
		0x66, 0xb8, 0x00, 0x00, 0x00, 0x40, /* mov $0x40000000, %eax */
		0x66, 0x31, 0xc9,                   /* xor %ecx, %ecx */
		0x0f, 0xa2,                         /* cpuid */
		0x66, 0x89, 0x1e, 0x00, 0x0f,       /* mov %ebx, 0xf00 */
		0x66, 0xc7, 0x06, 0x04, 0x0f, 0x78, 0x56, 0x34, 0x12, /* movl $0x12345678, 0xf04 */
		0xf4,                               /* 1: hlt */
		0xeb, 0xfd,                         /* jmp 1b */
	};
	struct sv_cpu_stats cs;
	int32_t nr = lookup(SV_HC_CPUSTAT);

	if (nr <= 0)
		return mg_fail("no cpustat hypercall");
	memset(&cs, 0, sizeof(cs));
	if (mg_hypercall((uint32_t)nr, 1, (uint32_t)(uintptr_t)&cs, sizeof(cs), 0) != (int32_t)sizeof(cs)) {
		mg_printf("MINIGUEST one CPU: no AP to start\n");
		return 0;
	}
	bool held = cs.state == SV_CPU_NO_ANSWER || cs.state == SV_CPU_HELD;
	if (!held && cs.state != SV_CPU_READY && cs.state != SV_CPU_GUEST)
		return mg_fail("AP %u is in state %u, not waiting for SIPI", cs.apic_id, cs.state);
	uint8_t *page = (uint8_t *)AP_PAGE;
	memset(page, 0, 4096);
	memcpy(page, code, sizeof(code));
	volatile uint32_t *ebx = (volatile uint32_t *)(AP_PAGE + 0xf00), *flag = ebx + 1;
	/*
	 * INIT first, as Linux does, except on VMX under Bochs: an AP in
	 * wait-for-SIPI holds INIT pending, and Debian's Bochs 2.7 keeps it
	 * pending across INIT VM exits, so the AP would be reset again and
	 * again (docs/vmx.md).  The AP already waits for a SIPI there.
	 */
	if (!mg_is_intel()) {
		*APIC_ICR_HI = cs.apic_id << 24;
		*APIC_ICR_LO = 0x4500; /* INIT, level assert */
		spin(100000);
	}
	for (int i = 0; i < 2 && *flag != 0x12345678u; i++) {
		*APIC_ICR_HI = cs.apic_id << 24;
		*APIC_ICR_LO = 0x4600 | (AP_PAGE >> 12); /* SIPI */
		spin(100000);
	}
	for (uint32_t i = 0; i < (held ? 200u : 2000u) && *flag != 0x12345678u; i++)
		spin(100000);
	if (held) {
		/* Not under the VMM: it must not run anything of the guest's. */
		if (*flag == 0x12345678u)
			return mg_fail("the AP the VMM holds (APIC id %u) ran the guest's SIPI page, CPUID EBX %x",
				       cs.apic_id, *ebx);
		mg_printf("MINIGUEST AP %u (held by the VMM) did not start\n", cs.apic_id);
		return 0;
	}
	if (*flag != 0x12345678u)
		return mg_fail("the AP (APIC id %u) never ran the SIPI page", cs.apic_id);
	if (*ebx != 0x6c616553u) /* "Seal" */
		return mg_fail("the AP ran outside the VMM: CPUID 0x40000000 EBX %x", *ebx);
	memset(&cs, 0, sizeof(cs));
	mg_hypercall((uint32_t)nr, 1, (uint32_t)(uintptr_t)&cs, sizeof(cs), 0);
	if (cs.sipis != 1)
		return mg_fail("the VMM counted %u SIPIs for the AP, not 1", cs.sipis);
	mg_printf("MINIGUEST AP %u started by the guest under the VMM\n", cs.apic_id);
	return 0;
}

const struct mg_scenario mg_scenarios[] = {
	{ "cpuid-signature", cpuid_signature },
	{ "lookup-names", lookup_names },
	{ "version", version },
	{ "unknown-number-enosys", unknown_number },
	{ "bad-pointer-efault", bad_pointers },
	{ "vmm-memory-hidden", hidden_memory },
	{ "stats", stats },
	{ "hidden-msrs", hidden_msrs },
	{ "msr-allow-list", mg_msr_allow_list },
	{ "virt-instructions-ud", virt_instructions },
	{ "control-registers", control_registers },
	{ "invd-wbinvd", invd_wbinvd },
	{ "xsetbv", xsetbv },
	{ "paging32", paging32 },
	{ "prefixed-cpuid-length", prefixed_cpuid },
	{ "process-faults-contained", process_faults },
	{ "process-budget-kill", process_budget },
	{ "process-messages", process_messages },
	{ "ap-start-init-sipi", ap_start },
	{ "invd-counted", mg_invd_counted },
	{ "xsetbv-forbidden-gp", mg_xsetbv_forbidden },
	{ "syscall-sysenter-killed", mg_syscall_killed },
	{ "spec-ctrl-guest-value", mg_spec_ctrl_guest_value },
};
const unsigned int mg_nscenarios = sizeof(mg_scenarios) / sizeof(mg_scenarios[0]);
