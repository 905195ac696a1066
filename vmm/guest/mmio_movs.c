/*
 * MOVS between guest memory and an emulated page; documented in
 * sv/mmio_movs.h.  SDM 2B "MOVS/MOVSB/MOVSW/MOVSD/MOVSQ" and "REP": each
 * element goes from DS:[RSI] to ES:[RDI], both advance by the element
 * size (DF=0), RCX counts down with REP and the instruction ends at 0.
 */
#include <sv/mmio_movs.h>

#define PAGE_BYTES 4096u
#define RFLAGS_DF (1ULL << 10)

/*
 * Bytes moved through the stack at a time: the callers run on several
 * CPUs at once, so no static buffer; 256 bytes keeps the VMM stack small.
 */
#define CHUNK 256u

static bool in_page(const struct mmio_movs_env *env, uint64_t gpa)
{
	return (gpa & ~(uint64_t)(PAGE_BYTES - 1)) == env->page;
}

static uint64_t room(uint64_t addr)
{
	return PAGE_BYTES - (addr & (PAGE_BYTES - 1));
}

int mmio_movs_run(const struct mmio_insn *in, const struct mmio_movs_env *env,
		  struct mmio_movs_regs *r, const char **why)
{
	uint64_t src, dst;
	int rc;

	if (!in->movs || in->mode != MMIO_MODE_64 || in->addr_size != 8) {
		*why = "MOVS outside 64-bit mode or with 32-bit addresses";
		return -SV_EINVAL;
	}
	if (in->seg == 0x64 || in->seg == 0x65) {
		*why = "MOVS with an FS or GS override";
		return -SV_EINVAL;
	}
	if (r->rflags & RFLAGS_DF) {
		*why = "MOVS with DF=1 (backwards)";
		return -SV_EINVAL;
	}
	uint64_t count = in->rep ? r->rcx : 1;
	if (count == 0)
		return 1; /* REP with RCX=0 moves nothing (SDM 2B "REP") */
	unsigned int size = in->size;
	if ((rc = env->translate(env->ctx, r->rsi, false, &src)) < 0 ||
	    (rc = env->translate(env->ctx, r->rdi, true, &dst)) < 0) {
		*why = "a MOVS operand is not mapped in the guest's page tables";
		return rc;
	}
	bool to_page = in_page(env, dst);
	if (to_page == in_page(env, src)) {
		*why = to_page ? "MOVS within the emulated page" : "MOVS that does not touch the emulated page";
		return -SV_EINVAL;
	}
	/*
	 * The elements that fit on both sides' current pages; an element that
	 * straddles the end of the emulated page is not a device access any
	 * CPU makes in one piece.
	 */
	uint64_t page_addr = to_page ? dst : src, ram_addr = to_page ? r->rsi : r->rdi;
	uint64_t n = room(page_addr) / size;
	if (n == 0) {
		*why = "a MOVS element crosses the end of the emulated page";
		return -SV_EINVAL;
	}
	uint64_t ram_n = room(ram_addr) / size;
	if (ram_n == 0)
		ram_n = 1; /* one element across two RAM pages: ram_read/ram_write handle it */
	if (n > ram_n)
		n = ram_n;
	if (n > count)
		n = count;
	unsigned int off = (unsigned int)(page_addr & (PAGE_BYTES - 1));
	uint64_t done = 0; /* elements moved */

	while (done < n) {
		uint8_t buf[CHUNK];
		uint64_t k = MIN(n - done, CHUNK / size);
		size_t bytes = (size_t)k * size;
		uint64_t ram = ram_addr + done * size;
		unsigned int at = off + (unsigned int)(done * size);

		if (to_page) {
			rc = env->ram_read(env->ctx, ram, buf, bytes);
			for (uint64_t i = 0; rc >= 0 && i < k; i++) {
				uint64_t v = 0;
				for (unsigned int b = 0; b < size; b++)
					v |= (uint64_t)buf[i * size + b] << (8 * b);
				env->page_write(env->ctx, at + (unsigned int)(i * size), size, v);
			}
		} else {
			for (uint64_t i = 0; i < k; i++) {
				uint64_t v = env->page_read(env->ctx, at + (unsigned int)(i * size), size);
				for (unsigned int b = 0; b < size; b++)
					buf[i * size + b] = (uint8_t)(v >> (8 * b));
			}
			rc = env->ram_write(env->ctx, ram, buf, bytes);
		}
		if (rc < 0) {
			if (done)
				break; /* what moved stands; the rest runs again and faults in the guest */
			*why = to_page ? "the MOVS source in guest memory cannot be read"
				       : "the MOVS destination in guest memory cannot be written";
			return rc;
		}
		done += k;
	}
	uint64_t bytes = done * size;
	r->rsi += bytes;
	r->rdi += bytes;
	if (!in->rep)
		return 1;
	r->rcx -= done;
	return r->rcx == 0 ? 1 : 0;
}
