/* x86-64 page-table entry bits (SDM 3A 4.5, APM 2 5.3), shared by the
 * VMM's own tables, process address spaces and AMD nested paging. */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7)
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

#endif
