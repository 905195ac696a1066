/*
 * libFuzzer target: arbitrary bytes -> elf_validate -> mapping plan.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined (see meson.build),
 * so any read outside the input, any undefined behaviour and any crash is
 * a finding.  Beyond not crashing, every accepted input's plan must pass
 * elf_plan_check, whose invariants are written independently of the
 * validator, and a refused input must name one of the ELF rule codes and
 * leave the plan zeroed.
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
		if (-r < SV_EELF_TRUNCATED || -r > SV_EELF_LOADS)
			abort();
		if (memcmp(&plan, &zero, sizeof(plan)) != 0)
			abort();
		return 0;
	}
	if (r != 0 || elf_plan_check(&plan, size) != 0)
		abort();
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
