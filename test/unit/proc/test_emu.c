/*
 * An end-to-end check of the process ABI without the hypervisor: a tiny
 * userspace stand-in for the VMM runs real libproc images under ptrace.
 *
 * Each process is a forked child whose address space gets exactly the
 * mapping plan from elf_validate (segments, trampoline page, stack, guard
 * page left empty).  The parent plays the VMM: it enters handlers with the
 * frames proc_frame_build makes (switching the child to compatibility mode,
 * CS 0x23, for ELF32 images), catches every `int $0x80` with
 * PTRACE_SYSEMU, implements the syscalls of proc_abi.h with the process
 * table of vmm/proc, and treats any signal as the fault that would kill
 * the process.  So libproc's stubs, printf, the trampoline, the frame
 * layout, msgbuf translation across widths, descriptors and services are
 * all exercised as the VMM will use them, and each fault-test process is
 * shown to fault the way its name says.
 *
 * Linux-specific by nature; where ptrace is not allowed the test is
 * skipped (exit 77).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

/* <sys/user.h> has page macros of its own; sv/types.h's are the ones
 * vmm/proc uses. */
#undef PAGE_SIZE
#undef PAGE_SHIFT
#undef PAGE_MASK

#include <proc/elf.h>
#include <proc/frame.h>
#include <proc/ptable.h>

#include "check.h"

#ifndef PTRACE_SYSEMU
#define PTRACE_SYSEMU 31
#endif

#define USER_CS64 0x33
#define USER_CS32 0x23
#define USER_DS 0x2b

struct emu {
	pid_t pid;
	struct elf_plan plan;
	struct proc *p;
	int depth;      /* handler calls in progress */
	char out[4096]; /* everything it printed */
	size_t outlen;
	int fault_sig;  /* signal that killed it, 0 if none */
	uint64_t fault_addr;
	int timed_out;
};

static struct proc_table table;
static struct emu emus[8];
static volatile pid_t running_pid;
static volatile sig_atomic_t alarm_fired;
static bool compat_broken;

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
	if (running_pid > 0)
		kill(running_pid, SIGKILL);
}

static struct emu *emu_of(struct proc *p)
{
	return (struct emu *)p->arch;
}

/* Child side: map the plan, then stop for the parent. */
static void child_map(const uint8_t *img, const struct elf_plan *plan)
{
	static const uint8_t tramp[] = PROC_TRAMPOLINE_CODE;

	for (uint32_t i = 0; i < plan->nregions; i++) {
		const struct elf_region *r = &plan->region[i];
		void *at = mmap((void *)(uintptr_t)r->vaddr, r->size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		int prot = PROT_READ;

		if (at != (void *)(uintptr_t)r->vaddr)
			_exit(90);
		memcpy((void *)(uintptr_t)r->copy_to, img + r->file_off, r->file_len);
		if (r->kind == ELF_REGION_TRAMPOLINE)
			memcpy(at, tramp, sizeof(tramp));
		if (r->rights & PROC_W)
			prot |= PROT_WRITE;
		if (r->rights & PROC_X)
			prot |= PROT_EXEC;
		if (mprotect(at, r->size, prot) != 0)
			_exit(91);
	}
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
		_exit(92);
	raise(SIGSTOP);
	_exit(93); /* never reached: the parent takes over the registers */
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n);
	if (fread(b, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	fclose(f);
	*size = (size_t)n;
	return b;
}

/* Creates a process from an ELF file: validate, charge, map, activate. */
static struct emu *spawn(const char *path, const char *name)
{
	size_t size;
	uint8_t *img = read_file(path, &size);
	struct emu *e = NULL;
	struct proc *p;
	int status;

	if (img == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(emus) / sizeof(emus[0]); i++)
		if (emus[i].pid <= 0) {
			e = &emus[i];
			break;
		}
	if (e == NULL) {
		free(img);
		return NULL;
	}
	memset(e, 0, sizeof(*e));
	if (elf_validate(img, size, &e->plan) != 0 ||
	    proc_alloc(&table, name, e->plan.elf_class, &p) < 0 ||
	    proc_mem_charge(&table, p, e->plan.total_pages) != 0) {
		free(img);
		return NULL;
	}
	e->p = p;
	p->arch = e;
	e->pid = fork();
	if (e->pid == 0)
		child_map(img, &e->plan);
	free(img);
	if (waitpid(e->pid, &status, 0) != e->pid || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, e->pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL) != 0)
		return NULL;
	proc_activate(p, e->plan.entry);
	return e;
}

static void kill_proc(struct emu *e)
{
	int status;

	if (e->pid > 0) {
		kill(e->pid, SIGKILL);
		waitpid(e->pid, &status, 0);
	}
	e->pid = -1;
	proc_free(&table, e->p);
}

/* The VMM's copy-in/copy-out helper: user window only. */
static int copy_from(struct emu *e, uint64_t addr, void *dst, size_t len)
{
	struct iovec l = { dst, len }, r = { (void *)(uintptr_t)addr, len };

	if (len == 0)
		return 0;
	if (addr < PROC_USER_BASE || addr > PROC_USER_END || len > PROC_USER_END - addr)
		return -SV_EFAULT;
	return process_vm_readv(e->pid, &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -SV_EFAULT;
}

static int copy_to(struct emu *e, uint64_t addr, const void *src, size_t len)
{
	struct iovec l = { (void *)src, len }, r = { (void *)(uintptr_t)addr, len };

	if (len == 0)
		return 0;
	if (addr < PROC_USER_BASE || addr > PROC_USER_END || len > PROC_USER_END - addr)
		return -SV_EFAULT;
	return process_vm_writev(e->pid, &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -SV_EFAULT;
}

/* A NUL-terminated name of at most PROC_NAME_MAX bytes. */
static int copy_name(struct emu *e, uint64_t addr, char *name)
{
	for (uint32_t i = 0; i < PROC_NAME_MAX; i++) {
		if (copy_from(e, addr + i, &name[i], 1) != 0)
			return -SV_EFAULT;
		if (name[i] == '\0')
			return proc_name_check(name, PROC_NAME_MAX);
	}
	return -SV_EINVAL;
}

static int call_handler(struct emu *t, uint32_t handler, struct proc_call *c,
			uint8_t *const bufdata[]);

/* True when the bytes at rip are `int $0x80`. */
static bool at_int80(struct emu *e, uint64_t rip)
{
	uint8_t insn[2];

	return copy_from(e, rip, insn, 2) == 0 && insn[0] == 0xcd && insn[1] == 0x80;
}

/* One syscall of process e; *done set by PROC_SYS_RETURN and EXIT. */
static long do_syscall(struct emu *e, const struct user_regs_struct *r, int *done, int *result)
{
	uint64_t a1 = r->rbx, a2 = r->rcx, a3 = r->rdx, a4 = r->rsi;
	struct proc *target;
	uint32_t h;
	char name[PROC_NAME_MAX];
	int err;

	switch (r->orig_rax) {
	case PROC_SYS_NULL:
		return 0;
	case PROC_SYS_EXIT:
		*done = 2;
		*result = (int32_t)a1;
		return 0;
	case PROC_SYS_RETURN:
		*done = 1;
		*result = (int32_t)a1;
		return 0;
	case PROC_SYS_WRITE: {
		char buf[PROC_WRITE_MAX];
		uint32_t len = (uint32_t)a2;

		if (len > PROC_WRITE_MAX)
			return -SV_E2BIG;
		if (copy_from(e, a1, buf, len) != 0)
			return -SV_EFAULT;
		if (e->outlen + len < sizeof(e->out)) {
			memcpy(e->out + e->outlen, buf, len);
			e->outlen += len;
		}
		return len;
	}
	case PROC_SYS_MSGREGISTER: {
		const struct elf_region *reg = elf_plan_find(&e->plan, a2);

		if ((err = copy_name(e, a1, name)) != 0)
			return err;
		if (reg == NULL || reg->kind != ELF_REGION_IMAGE || !(reg->rights & PROC_X))
			return -SV_EFAULT;
		err = service_register(&table, e->p, name, a2);
		return err < 0 ? err : 0;
	}
	case PROC_SYS_MSGOPEN:
		if ((err = copy_name(e, a1, name)) != 0)
			return err;
		if ((err = service_lookup(&table, name, &target, &h)) != 0)
			return err;
		return desc_open(&e->p->descs, target, h);
	case PROC_SYS_MSGCLOSE:
		return desc_close(&e->p->descs, (int32_t)a1);
	case PROC_SYS_MSGSENDINT: {
		struct proc_call c = { .msgcode = MSG_INT, .value = (int32_t)a2 };

		if ((err = desc_resolve(&table, &e->p->descs, (int32_t)a1, &target, &h)) != 0)
			return err;
		return call_handler(emu_of(target), h, &c, NULL);
	}
	case PROC_SYS_MSGSENDBUF: {
		uint32_t cls = e->plan.elf_class, n = (uint32_t)a4;
		uint32_t ent = cls == 64 ? PROC_MSGBUF64_SIZE : PROC_MSGBUF32_SIZE;
		uint8_t raw[PROC_MSG_MAX_BUFS * PROC_MSGBUF64_SIZE];
		struct proc_bufref b[PROC_MSG_MAX_BUFS];
		uint8_t *data[PROC_MSG_MAX_BUFS] = { 0 };
		struct proc_call c = { .msgcode = MSG_BUF, .value = (int32_t)a2, .bufcnt = n };
		long ret;

		if ((err = desc_resolve(&table, &e->p->descs, (int32_t)a1, &target, &h)) != 0)
			return err;
		if (n > PROC_MSG_MAX_BUFS)
			return -SV_EINVAL;
		if (copy_from(e, a3, raw, (size_t)n * ent) != 0)
			return -SV_EFAULT;
		if ((err = proc_msgbuf_decode(cls, raw, n, b)) != 0)
			return err;
		for (uint32_t i = 0; i < n; i++) {
			data[i] = malloc(b[i].len + 1);
			c.buflen[i] = b[i].len;
			c.bufrw[i] = b[i].rw;
			if (copy_from(e, b[i].base, data[i], b[i].len) != 0) {
				ret = -SV_EFAULT;
				goto out;
			}
		}
		ret = call_handler(emu_of(target), h, &c, data);
		/* Copy rw buffers back to the sender only after success. */
		for (uint32_t i = 0; ret >= 0 && i < n; i++)
			if (b[i].rw && copy_to(e, b[i].base, data[i], b[i].len) != 0)
				ret = -SV_EFAULT;
	out:
		for (uint32_t i = 0; i < n; i++)
			free(data[i]);
		return ret;
	}
	default:
		return -SV_ENOSYS;
	}
}

/*
 * Calls handler h of process t and runs it to its PROC_SYS_RETURN,
 * serving its syscalls.  bufdata[i] (buflen[i] bytes) go into its frame;
 * rw ones are copied back into bufdata after the call.  Returns the
 * handler's result or -SV_EFAULTED / -SV_ETIMEOUT / -SV_EDEAD.
 */
static int call_handler(struct emu *t, uint32_t h, struct proc_call *c,
			uint8_t *const bufdata[])
{
	struct user_regs_struct saved, r;
	struct proc_frame f;
	uint64_t sp_in = PROC_STACK_TOP;
	pid_t prev_running = running_pid;
	int result = 0, err;

	if (t == NULL || t->pid <= 0 || t->p->state != PROC_ALIVE)
		return -SV_EDEAD;
	if (t->depth > 0) {
		/* Nested: t is stopped inside a syscall; build below it. */
		ptrace(PTRACE_GETREGS, t->pid, 0, &saved);
		sp_in = saved.rsp;
	}
	err = proc_frame_build(t->plan.elf_class, sp_in, t->p->handler[h].entry, c, &f);
	if (err)
		return err;
	if (copy_to(t, f.sp, f.hdr, f.hdr_len) != 0)
		return -SV_EFAULT;
	for (uint32_t i = 0; i < c->bufcnt; i++)
		if (copy_to(t, f.buf_addr[i], bufdata[i], c->buflen[i]) != 0)
			return -SV_EFAULT;

	ptrace(PTRACE_GETREGS, t->pid, 0, &r);
	memset(&r, 0, sizeof(r));
	r.rip = f.ip;
	r.rsp = f.sp;
	r.rdi = f.rdi;
	r.rsi = f.rsi;
	r.rdx = f.rdx;
	r.rcx = f.rcx;
	r.eflags = PROC_INITIAL_RFLAGS;
	r.cs = t->plan.elf_class == 64 ? USER_CS64 : USER_CS32;
	r.ss = USER_DS;
	r.ds = r.es = t->plan.elf_class == 64 ? 0 : USER_DS;
	if (ptrace(PTRACE_SETREGS, t->pid, 0, &r) != 0)
		return -SV_EFAULT;
	if (t->plan.elf_class == 32) {
		/* Some kernels silently refuse the compatibility-mode CS. */
		ptrace(PTRACE_GETREGS, t->pid, 0, &r);
		if (r.cs != USER_CS32)
			return -SV_ENODEV;
	}
	t->depth++;

	for (;;) {
		int status, done = 0;
		long ret;

		running_pid = t->pid;
		if (t->depth == 1 && prev_running == 0) {
			struct itimerval it = { .it_value = { SV_PROC_BUDGET_MS / 1000,
							       SV_PROC_BUDGET_MS % 1000 * 1000 } };

			alarm_fired = 0;
			setitimer(ITIMER_REAL, &it, NULL);
		}
		ptrace(PTRACE_SYSEMU, t->pid, 0, 0);
		while (waitpid(t->pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(status) || WIFEXITED(status)) {
			t->timed_out = alarm_fired;
			t->pid = -1;
			proc_free(&table, t->p);
			running_pid = prev_running;
			return alarm_fired ? -SV_ETIMEOUT : -SV_EDEAD;
		}
		ptrace(PTRACE_GETREGS, t->pid, 0, &r);
		if (WSTOPSIG(status) == SIGSEGV && at_int80(t, r.rip)) {
			/* A kernel without (working) int $0x80 raised #GP
			 * instead of a syscall stop: same thing, one step
			 * earlier. */
			r.rip += 2;
		} else if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			siginfo_t si;

			ptrace(PTRACE_GETSIGINFO, t->pid, 0, &si);
			t->fault_sig = WSTOPSIG(status);
			/* Died on its very first instruction, no longer in
			 * compatibility mode: this kernel cannot run 32-bit
			 * code (e.g. a paravirtualized one), not a finding. */
			if (t->plan.elf_class == 32 && r.cs != USER_CS32 && r.rip == f.ip)
				compat_broken = true;
			if (getenv("EMU_DEBUG")) {
				ptrace(PTRACE_GETREGS, t->pid, 0, &r);
				fprintf(stderr, "emu: %s signal %d at rip %llx addr %p cs %llx\n",
					t->p->name, t->fault_sig, r.rip, si.si_addr, r.cs);
			}
			t->fault_addr = (uint64_t)(uintptr_t)si.si_addr;
			kill_proc(t);
			running_pid = prev_running;
			return -SV_EFAULTED;
		}
		if (WSTOPSIG(status) == SIGSEGV)
			r.orig_rax = r.rax & 0xffffffffu;
		ret = do_syscall(t, &r, &done, &result);
		if (t->pid <= 0) /* it died in a nested call */
			return -SV_EDEAD;
		if (done == 2) {
			kill_proc(t);
			running_pid = prev_running;
			return -SV_EDEAD;
		}
		if (done)
			break;
		r.rax = (uint64_t)ret;
		ptrace(PTRACE_SETREGS, t->pid, 0, &r);
	}
	t->depth--;
	if (t->depth == 0 && prev_running == 0) {
		struct itimerval off = { 0 };

		setitimer(ITIMER_REAL, &off, NULL);
	}
	running_pid = prev_running;
	for (uint32_t i = 0; i < c->bufcnt; i++)
		if (c->bufrw[i] && copy_from(t, f.buf_addr[i], bufdata[i], c->buflen[i]) != 0)
			return -SV_EFAULT;
	if (t->depth > 0)
		ptrace(PTRACE_SETREGS, t->pid, 0, &saved);
	return result;
}

static int send_int(struct emu *e, int value)
{
	struct proc_call c = { .msgcode = MSG_INT, .value = value };

	return call_handler(e, 0, &c, NULL);
}

static const char *dir;

static char *path_of(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static void test_hello(const char *file)
{
	struct emu *e = spawn(path_of(file), file);

	CHECK(e != NULL);
	if (e == NULL)
		return;
	CHECK_EQ(send_int(e, 0), 0);
	CHECK_EQ(send_int(e, 7), 0); /* called again: still alive */
	CHECK_EQ(e->outlen, 28);
	CHECK(memcmp(e->out, "Hello, World!\nHello, World!\n", 28) == 0);
	kill_proc(e);
}

/* Each fault test dies with the signal its fault raises on Linux. */
static void test_fault(const char *file, int value, int want_sig, int want_timeout)
{
	struct emu *e = spawn(path_of(file), file);
	int r;

	CHECK(e != NULL);
	if (e == NULL)
		return;
	r = send_int(e, value);
	if (want_timeout) {
		CHECK_EQ(r, -SV_ETIMEOUT);
	} else {
		if (e->fault_sig != want_sig)
			fprintf(stderr, "%s(%d): signal %d, want %d\n", file, value, e->fault_sig,
				want_sig);
		CHECK_EQ(r, -SV_EFAULTED);
		CHECK_EQ(e->fault_sig, want_sig);
	}
	/* The killed process's descriptor-reachable state is gone. */
	CHECK_EQ(e->p->state, PROC_FREE);
	if (strncmp(file, "t-stackov", 9) == 0)
		CHECK(elf_plan_in_guard(&e->plan, e->fault_addr));
	if (strncmp(file, "t-wtext", 7) == 0) {
		const struct elf_region *reg = elf_plan_find(&e->plan, e->fault_addr);

		CHECK(reg != NULL && (reg->rights & PROC_X));
	}
}

/* echo (either width) serving client (either width). */
static void test_messages(const char *echo_file, const char *client_file, int which)
{
	struct emu *echo = spawn(path_of(echo_file), "echo");
	struct emu *client = spawn(path_of(client_file), "client");

	CHECK(echo != NULL && client != NULL);
	if (echo == NULL || client == NULL)
		return;
	CHECK_EQ(send_int(echo, 0), 0); /* registers its service */
	CHECK_EQ(send_int(client, which), 0);
	client->out[client->outlen] = '\0';
	if (strstr(client->out, "client: PASS") == NULL)
		fprintf(stderr, "%s -> %s: %s", client_file, echo_file, client->out);
	CHECK(strstr(client->out, "client: PASS") != NULL);
	/* echo counted 1 int + 2 buf messages (+ this one). */
	{
		struct proc *t;
		uint32_t h;
		struct proc_call c = { .msgcode = MSG_INT, .value = -1 };

		CHECK_EQ(service_lookup(&table, which ? "echo32" : "echo", &t, &h), 0);
		CHECK_EQ(call_handler(emu_of(t), h, &c, NULL), 4);
	}
	kill_proc(echo);
	/* The service died with it: a new client cannot find it. */
	CHECK_EQ(send_int(client, which), 1);
	kill_proc(client);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	pid_t probe;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: %s LIBPROC-BUILD-DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	sigaction(SIGALRM, &sa, NULL);

	/* Can we trace at all here? */
	probe = fork();
	if (probe == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
			_exit(1);
		raise(SIGSTOP);
		_exit(0);
	}
	waitpid(probe, &status, 0);
	if (!WIFSTOPPED(status)) {
		printf("ptrace not available: skipped\n");
		return 77;
	}
	kill(probe, SIGKILL);
	waitpid(probe, &status, 0);

	ptable_init(&table, 1u << 16, (uint64_t)SV_PROC_QUOTA_KIB * 1024 / 4096);
	test_hello("hello");
	/* Can this kernel run 32-bit code in a 64-bit process? */
	{
		struct emu *e = spawn(path_of("hello32"), "probe");

		if (e != NULL && send_int(e, 0) < 0 && compat_broken)
			printf("compatibility mode unavailable here: 32-bit images not run\n");
		if (e != NULL && e->pid > 0)
			kill_proc(e);
	}
	if (!compat_broken)
		test_hello("hello32");
	for (int w = 0; w < (compat_broken ? 1 : 2); w++) {
		char n[32];
		static const char *const names[] = { "t-divzero", "t-ud", "t-priv", "t-wtext",
						     "t-rkernel", "t-stackov", "t-loop" };
		static const int sigs[] = { SIGFPE, SIGILL, SIGSEGV, SIGSEGV, SIGSEGV, SIGSEGV, 0 };

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			int values = strcmp(names[i], "t-priv") == 0 ? 7
				     : strcmp(names[i], "t-rkernel") == 0 ? 5 : 1;

			snprintf(n, sizeof(n), "%s%s", names[i], w ? "32" : "");
			for (int v = 0; v < values; v++)
				test_fault(n, v, sigs[i], sigs[i] == 0);
		}
	}
	test_messages("t-echo", "t-client", 0);
	if (!compat_broken) {
		test_messages("t-echo32", "t-client32", 1);
		test_messages("t-echo32", "t-client", 1);
		test_messages("t-echo", "t-client32", 0);
	}
	CHECK_EQ(table.nalive, 0);
	CHECK_EQ(table.pool_used, 0);
	return check_report("test_emu");
}
