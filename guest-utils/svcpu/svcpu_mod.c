// SPDX-License-Identifier: GPL-2.0
/*
 * svcpu: a test-only misc device that runs one RDMSR, WRMSR, XSETBV,
 * XGETBV or INVD on a chosen CPU of the test guest and reports whether
 * it faulted.  The boot suite uses it to check, from the guest kernel,
 * what Sealvisor lets through and what it refuses (issue 19): an
 * intercepted MSR answers #GP or an emulated value, a forbidden XCR0
 * gets #GP, and the guest goes on.  Faults are caught with exception
 * table entries of the fault type, which leave the vector in EAX, so a
 * #GP is a result, not an oops.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/asm.h>

#include "svcpu_ioctl.h"

/* Each returns 0, or the vector + 1 of the fault the instruction took. */
static u32 svcpu_rdmsr_raw(u32 index, u64 *val)
{
	u32 lo = 0, hi = 0, ok = 0;

	asm volatile("1: rdmsr\n\t"
		     "movl $1, %2\n"
		     "2:\n" _ASM_EXTABLE_FAULT(1b, 2b)
		     : "=a"(lo), "=d"(hi), "+r"(ok) : "c"(index));
	*val = ok ? ((u64)hi << 32) | lo : 0;
	return ok ? 0 : lo + 1;
}

static u32 svcpu_wrmsr_raw(u32 index, u64 val)
{
	u32 lo = (u32)val, ok = 0;

	asm volatile("1: wrmsr\n\t"
		     "movl $1, %1\n"
		     "2:\n" _ASM_EXTABLE_FAULT(1b, 2b)
		     : "+a"(lo), "+r"(ok) : "c"(index), "d"((u32)(val >> 32)) : "memory");
	return ok ? 0 : lo + 1;
}

static u32 svcpu_xgetbv_raw(u32 index, u64 *val)
{
	u32 lo = 0, hi = 0, ok = 0;

	asm volatile("1: xgetbv\n\t"
		     "movl $1, %2\n"
		     "2:\n" _ASM_EXTABLE_FAULT(1b, 2b)
		     : "=a"(lo), "=d"(hi), "+r"(ok) : "c"(index));
	*val = ok ? ((u64)hi << 32) | lo : 0;
	return ok ? 0 : lo + 1;
}

static u32 svcpu_xsetbv_raw(u32 index, u64 val)
{
	u32 lo = (u32)val, ok = 0;

	asm volatile("1: xsetbv\n\t"
		     "movl $1, %1\n"
		     "2:\n" _ASM_EXTABLE_FAULT(1b, 2b)
		     : "+a"(lo), "+r"(ok) : "c"(index), "d"((u32)(val >> 32)) : "memory");
	return ok ? 0 : lo + 1;
}

static void svcpu_result(struct svcpu_req *r, u32 fault)
{
	r->faulted = fault != 0;
	r->vector = fault ? fault - 1 : 0;
}

/*
 * The kernel's XSAVE layout depends on XCR0: a value that was accepted
 * is put back before anything else runs on this CPU (interrupts are off
 * in the cross-call), so the test changes nothing the kernel relies on.
 */
static void svcpu_xsetbv(struct svcpu_req *r)
{
	u64 old;
	u32 fault = svcpu_xgetbv_raw(0, &old);

	if (fault) {
		svcpu_result(r, fault);
		return;
	}
	svcpu_result(r, svcpu_xsetbv_raw(r->index, r->value));
	if (!r->faulted && svcpu_xsetbv_raw(0, old))
		r->result = -EIO; /* cannot happen: the old value was valid */
}

static void svcpu_run_here(void *arg)
{
	struct svcpu_req *r = arg;

	switch (r->op) {
	case SVCPU_RDMSR:
		svcpu_result(r, svcpu_rdmsr_raw(r->index, &r->value));
		break;
	case SVCPU_WRMSR:
		svcpu_result(r, svcpu_wrmsr_raw(r->index, r->value));
		break;
	case SVCPU_XSETBV:
		svcpu_xsetbv(r);
		break;
	case SVCPU_XGETBV:
		svcpu_result(r, svcpu_xgetbv_raw(r->index, &r->value));
		break;
	case SVCPU_INVD:
		/* Under Sealvisor INVD exits and runs as WBINVD; bare, it would drop dirty lines. */
		asm volatile("invd" ::: "memory");
		break;
	default:
		r->result = -EINVAL;
	}
}

static long svcpu_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct svcpu_req r;
	int rc;

	if (cmd != SVCPU_IOC_RUN)
		return -ENOTTY;
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	if (copy_from_user(&r, (void __user *)arg, sizeof(r)))
		return -EFAULT;
	if (r.cpu >= nr_cpu_ids || !cpu_online(r.cpu))
		return -ENXIO;
	r.faulted = 0;
	r.vector = 0;
	r.result = 0;
	rc = smp_call_function_single(r.cpu, svcpu_run_here, &r, 1);
	if (rc)
		return rc;
	if (copy_to_user((void __user *)arg, &r, sizeof(r)))
		return -EFAULT;
	return 0;
}

static const struct file_operations svcpu_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = svcpu_ioctl,
};

static struct miscdevice svcpu_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "svcpu",
	.fops = &svcpu_fops,
	.mode = 0600,
};

module_misc_device(svcpu_dev);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sealvisor test: privileged CPU instructions from the guest kernel");
