/*
 * libFuzzer target: arbitrary bytes -> mmio_insn_decode in each mode.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined (see meson.build),
 * so a read past the input, undefined behaviour or a crash is a finding.
 * Beyond that, an accepted instruction must be self-consistent: its length
 * fits what was given and 15 bytes, exactly its own bytes decode to the
 * same result, every shorter prefix asks for more bytes, and the register
 * helpers stay inside the register file.
 */
#include <stdlib.h>
#include <string.h>

#include <sv/mmio_insn.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_one(const uint8_t *data, size_t size, enum mmio_mode mode)
{
	struct mmio_insn d, again;
	uint64_t gpr[16] = { 0 };
	int r;

	memset(&d, 0x5a, sizeof(d));
	r = mmio_insn_decode(data, size, mode, &d);
	if (r < 0) {
		if (r != -SV_EINVAL && r != -SV_E2BIG)
			abort();
		return;
	}
	if (r != 0 || d.len < 1 || d.len > size || d.len > MMIO_INSN_MAX_LEN)
		abort();
	if (d.size != 1 && d.size != 2 && d.size != 4 && d.size != 8)
		abort();
	if (d.reg < -1 || d.reg > 15 || (d.high8 && d.reg > 3))
		abort();
	if ((!d.movs && d.has_imm != (d.reg < 0)) || (d.xchg && !d.write) ||
	    (d.movs && (d.reg != -1 || d.has_imm || d.write)) || (d.rep && !d.movs) ||
	    (d.addr_size != 2 && d.addr_size != 4 && d.addr_size != 8))
		abort();

	/* Exactly its own bytes, and each shorter prefix of them. */
	memset(&again, 0x5a, sizeof(again));
	if (mmio_insn_decode(data, d.len, mode, &again) != 0 || memcmp(&d, &again, sizeof(d)) != 0)
		abort();
	for (size_t k = 0; k < d.len; k++)
		if (mmio_insn_decode(data, k, mode, &again) != -SV_E2BIG)
			abort();

	for (int i = 0; i < 16; i++)
		gpr[i] = 0x0101010101010101ull * (uint64_t)i;
	(void)mmio_insn_store_value(&d, gpr);
	mmio_insn_store_reg(&d, gpr, 0xfedcba9876543210ull);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A heap copy of exactly size bytes, so ASan sees a read of data[size]. */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	check_one(copy, size, MMIO_MODE_16);
	check_one(copy, size, MMIO_MODE_32);
	check_one(copy, size, MMIO_MODE_64);
	free(copy);
	return 0;
}
