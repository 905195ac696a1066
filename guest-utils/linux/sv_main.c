// SPDX-License-Identifier: GPL-2.0
/*
 * sealvisor: /dev/sealvisor, the guest kernel's door to Sealvisor's
 * hypercalls (docs/access.md).
 *
 * Under guest_access=kernel the VMM answers only ring 0, so programs ask
 * this module: it checks who asks (the device's file permissions, and
 * CAP_SYS_ADMIN for what takes things away), copies every user buffer into
 * kernel memory bounded by the VMM's limits, and makes the hypercall from
 * ring 0 with kernel addresses.  The VMM walks the caller's page tables, so
 * any mapped kernel address works: kvmalloc'd buffers live in the direct
 * map or in vmalloc space, both in every page table of the kernel half.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/processor.h>

#include <sealvisor/errors.h>

#include "sv_module.h"

static bool use_vmcall;
static u64 numbers[SEALVISOR_IOC_NR_END];

s64 sv_hypercall(u64 nr, u64 a1, u64 a2, u64 a3, u64 a4)
{
	u64 rax = nr;

	/* AMD SVM intercepts vmmcall, Intel VMX exits on vmcall; the other one is #UD. */
	if (use_vmcall)
		asm volatile("vmcall" : "+a"(rax) : "b"(a1), "c"(a2), "d"(a3), "S"(a4) : "memory");
	else
		asm volatile("vmmcall" : "+a"(rax) : "b"(a1), "c"(a2), "d"(a3), "S"(a4) : "memory");
	return (s64)rax;
}

u64 sv_number(const struct sv_call_def *def)
{
	return numbers[def->index];
}

s64 sv_req_call(const struct sv_req *r)
{
	u64 nr = sv_number(r->def);

	if (!nr)
		return -SV_ENOSYS;
	return sv_hypercall(nr, r->arg[0], r->arg[1], r->arg[2], r->arg[3]);
}

void *sv_copy_in(u64 uptr, u64 len, u64 max, long *err)
{
	void *k;

	/* kvmalloc warns past INT_MAX, whatever -Dmax_binary_size says. */
	if (len > max || len > INT_MAX) {
		*err = -E2BIG;
		return NULL;
	}
	/* A guest short of memory gets -ENOMEM, not an allocation-failure splat. */
	k = kvmalloc(len ? len : 1, GFP_KERNEL | __GFP_NOWARN);
	if (!k) {
		*err = -ENOMEM;
		return NULL;
	}
	if (len && copy_from_user(k, u64_to_user_ptr(uptr), len)) {
		kvfree(k);
		*err = -EFAULT;
		return NULL;
	}
	*err = 0;
	return k;
}

void sv_free(void *p)
{
	kvfree(p);
}

/*
 * The generic path: each buffer of the entry's spec gets a kernel copy
 * (in), a zeroed kernel buffer (out, clamped to the VMM's limit) or a
 * bounded string; the hypercall then sees only kernel addresses, and the
 * part of each out buffer the VMM filled goes back to the caller.
 */
static long sv_generic(struct sv_req *r, struct sealvisor_call *c)
{
	const struct sv_call_def *def = r->def;
	void *k[2] = { NULL, NULL };
	u64 bytes[2] = { 0, 0 };
	long err = 0;
	int i;

	for (i = 0; i < 2 && !err; i++) {
		const struct sv_buf_spec *b = &def->buf[i];
		u64 n = b->len == SV_LEN_FIXED ? b->max : c->arg[b->len];
		long sret;

		switch (b->dir) {
		case SV_IN:
			if (n > b->max) {
				err = -E2BIG;
				break;
			}
			bytes[i] = n * b->elem;
			k[i] = sv_copy_in(c->arg[b->ptr], bytes[i], bytes[i], &err);
			break;
		case SV_OUT:
			if (n > b->max)
				n = b->max;
			bytes[i] = n * b->elem;
			k[i] = kvzalloc(bytes[i] ? bytes[i] : 1, GFP_KERNEL | __GFP_NOWARN);
			if (!k[i])
				err = -ENOMEM;
			else if (b->len != SV_LEN_FIXED)
				r->arg[b->len] = n;
			break;
		case SV_STRING:
			k[i] = kzalloc(b->max, GFP_KERNEL);
			if (!k[i]) {
				err = -ENOMEM;
				break;
			}
			sret = strncpy_from_user(k[i], u64_to_user_ptr(c->arg[b->ptr]), b->max);
			if (sret < 0)
				err = -EFAULT;
			else if (sret == b->max)
				err = -EINVAL; /* no NUL within max bytes */
			break;
		default:
			continue;
		}
		/*
		 * A zero-length buffer keeps the caller's value (the VMM checks
		 * sizes first and never touches it); the rest point at the copy.
		 */
		if (!err && (b->dir == SV_STRING || bytes[i]))
			r->arg[b->ptr] = (u64)(uintptr_t)k[i];
	}
	if (!err) {
		c->result = sv_req_call(r);
		for (i = 0; i < 2 && !err; i++) {
			const struct sv_buf_spec *b = &def->buf[i];
			u64 back;

			if (b->dir != SV_OUT || c->result < 0)
				continue;
			if (b->back == SV_BACK_ALL)
				back = bytes[i];
			else if (b->back == SV_BACK_RESULT_NUL)
				back = (u64)c->result + 1;
			else
				back = (u64)c->result * b->elem;
			if (back > bytes[i])
				back = bytes[i]; /* never more than was given, whatever the VMM says */
			if (back && copy_to_user(u64_to_user_ptr(c->arg[b->ptr]), k[i], back))
				err = -EFAULT;
		}
	}
	for (i = 0; i < 2; i++) {
		if (def->buf[i].dir == SV_STRING)
			kfree(k[i]);
		else
			kvfree(k[i]);
	}
	return err;
}

static long sv_ioctl(struct file *f, unsigned int cmd, unsigned long uarg)
{
	const struct sv_call_def *def;
	struct sealvisor_call c;
	struct sv_req r;
	long err;

	if (_IOC_TYPE(cmd) != SEALVISOR_IOC_MAGIC || _IOC_NR(cmd) >= SEALVISOR_IOC_NR_END ||
	    cmd != SEALVISOR_IOC(_IOC_NR(cmd)))
		return -ENOTTY;
	def = sv_call_defs[_IOC_NR(cmd)];
	if (!def)
		return -ENOTTY;
	if (def->admin && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&c, (void __user *)uarg, sizeof(c)))
		return -EFAULT;
	r.def = def;
	memcpy(r.arg, c.arg, sizeof(r.arg));
	c.result = 0;
	err = def->custom ? def->custom(&r, &c) : sv_generic(&r, &c);
	if (err)
		return err;
	if (copy_to_user((void __user *)uarg, &c, sizeof(c)))
		return -EFAULT;
	return 0;
}

static const struct file_operations sv_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = sv_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/* root:root 0660 here; the udev rule (60-sealvisor.rules) gives it to group sealvisor. */
static struct miscdevice sv_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "sealvisor",
	.fops = &sv_fops,
	.mode = 0660,
};

/* CPUID leaf 0x40000000 spells "SealvisorVMM" only under Sealvisor. */
static bool sv_detect(void)
{
	unsigned int eax, sig[3];

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return false;
	cpuid(SV_CPUID_LEAF, &eax, &sig[0], &sig[1], &sig[2]);
	return !memcmp(sig, SV_CPUID_SIGNATURE, 12);
}

static int __init sv_init(void)
{
	static const char get_version[] = SV_HC_VERSION;
	char version[64];
	unsigned int i;
	s64 nr, n;
	int rc;

	if (!sv_detect())
		return -ENODEV; /* quietly: not under Sealvisor */
	/* The VMM runs VMX on Intel CPUs and SVM elsewhere (as the tools' svcall.c). */
	use_vmcall = boot_cpu_data.x86_vendor == X86_VENDOR_INTEL;
	for (i = 0; i < SEALVISOR_IOC_NR_END; i++) {
		if (!sv_call_defs[i])
			continue;
		nr = sv_hypercall(SV_HC_GET_NUMBER, (u64)(uintptr_t)sv_call_defs[i]->name, 0, 0, 0);
		numbers[i] = nr > 0 ? (u64)nr : 0;
	}
	nr = sv_hypercall(SV_HC_GET_NUMBER, (u64)(uintptr_t)get_version, 0, 0, 0);
	memset(version, 0, sizeof(version));
	n = nr > 0 ? sv_hypercall((u64)nr, (u64)(uintptr_t)version, sizeof(version) - 1, 0, 0) : nr;
	if (n <= 0) {
		pr_err("sealvisor: CPUID says Sealvisor, but its version hypercall gave %lld\n", n);
		return -ENODEV;
	}
	rc = misc_register(&sv_dev);
	if (rc)
		return rc;
	pr_info("sealvisor: %s, /dev/sealvisor ready (%s)\n", version,
		use_vmcall ? "vmcall" : "vmmcall");
	return 0;
}

static void __exit sv_exit(void)
{
	misc_deregister(&sv_dev);
}

module_init(sv_init);
module_exit(sv_exit);
MODULE_DESCRIPTION("Sealvisor hypercalls for privileged guest programs (/dev/sealvisor)");
MODULE_LICENSE("GPL");
MODULE_VERSION(SV_MODULE_VERSION);
