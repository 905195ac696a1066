/* The AMD allow-list and the MSR permission map made from it (svm_msr_table.c). */
#ifndef SVM_MSR_TABLE_H
#define SVM_MSR_TABLE_H

#include <sv/msr_table.h>

#define SVM_MSRPM_SIZE 8192 /* two pages (APM 2 15.11) */

extern const struct msr_pass svm_msr_pass[];
extern const unsigned int svm_msr_npass;

/* Sets every bit of pm (SVM_MSRPM_SIZE bytes), then clears the table's entries. */
void svm_msrpm_build(uint8_t *pm);
/* Makes msr exit again on reads (MSR_PASS_R) and/or writes (MSR_PASS_W). */
void svm_msrpm_intercept(uint8_t *pm, uint32_t msr, unsigned int access);

#endif
