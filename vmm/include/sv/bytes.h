/*
 * Little-endian reads at any alignment, for tables the firmware or the
 * boot loader laid out (multiboot2, ACPI).  memcpy keeps them free of
 * unaligned-access undefined behaviour; the compiler makes one load.
 */
#ifndef SV_BYTES_H
#define SV_BYTES_H

#include <sv/types.h>

#include "fsstring.h"

static inline uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#endif
