/*
 * libFuzzer target: arbitrary bytes -> elf_validate -> mapping plan.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined (see meson.build),
 * so any read outside the input, any undefined behaviour and any crash is
 * a finding.  Beyond not crashing, every accepted input's plan must pass
 * elf_plan_check, whose invariants are written independently of the
 * validator, and a refused input must name one of the ELF rule codes and
 * leave the plan zeroed.  The manifest (issue 15) is read on every input
 * that passes the other rules: an accepted one must hold NUL-terminated
 * strings of the allowed length, and product "none" exactly when absent.
 */
#include <stdlib.h>
#include <string.h>

#include <proc/elf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct elf_plan zero;
	struct elf_plan plan;
	int r;

	memset(&plan, 0x5a, sizeof(plan));
	r = elf_validate(data, size, &plan);
	if (r < 0) {
		if ((-r < SV_EELF_TRUNCATED || -r > SV_EELF_LOADS) &&
		    (-r < SV_EMF_TRUNCATED || -r > SV_EMF_FORMAT))
			abort();
		if (memcmp(&plan, &zero, sizeof(plan)) != 0)
			abort();
		return 0;
	}
	if (r != 0 || elf_plan_check(&plan, size) != 0)
		abort();
	{
		const struct elf_manifest *m = &plan.manifest;
		size_t pl = strnlen(m->product, sizeof(m->product));
		size_t nl = strnlen(m->name, sizeof(m->name));

		if (pl == 0 || pl >= sizeof(m->product) || nl >= sizeof(m->name) || m->present > 1 ||
		    (!strcmp(m->product, ELF_PRODUCT_NONE)) != !m->present ||
		    (!m->present && (m->svn || nl)))
			abort();
	}
	/* The plan's queries agree with it. */
	if (elf_plan_find(&plan, plan.entry) == NULL ||
	    !(elf_plan_find(&plan, plan.entry)->rights & PROC_X))
		abort();
	if (elf_plan_find(&plan, plan.guard_base) != NULL || !elf_plan_in_guard(&plan, plan.guard_base))
		abort();
	for (uint32_t i = 0; i < plan.nregions; i++) {
		const struct elf_region *reg = &plan.region[i];

		if (elf_plan_find(&plan, reg->vaddr) != reg ||
		    elf_plan_find(&plan, reg->vaddr + reg->size - 1) != reg)
			abort();
		/* Touch the bytes the VMM would copy: ASan checks the bounds. */
		if (reg->file_len) {
			volatile uint8_t sink = data[reg->file_off] ^ data[reg->file_off + reg->file_len - 1];

			(void)sink;
		}
	}
	return 0;
}
