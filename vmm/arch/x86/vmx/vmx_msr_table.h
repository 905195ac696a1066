/* The Intel allow-list and the MSR bitmap made from it (vmx_msr_table.c). */
#ifndef VMX_MSR_TABLE_H
#define VMX_MSR_TABLE_H

#include <sv/msr_table.h>

#define VMX_MSR_BITMAP_SIZE 4096 /* SDM 3C 25.6.9 */

extern const struct msr_pass vmx_msr_pass[];
extern const unsigned int vmx_msr_npass;

/* Sets every bit of bm (VMX_MSR_BITMAP_SIZE bytes), then clears the table's entries. */
void vmx_msr_bitmap_build(uint8_t *bm);
/* Makes msr exit again on reads (MSR_PASS_R) and/or writes (MSR_PASS_W). */
void vmx_msr_bitmap_intercept(uint8_t *bm, uint32_t msr, unsigned int access);

#endif
