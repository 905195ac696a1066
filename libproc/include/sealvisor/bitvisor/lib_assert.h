/*
 * BitVisor compatibility: <lib_assert.h>.  panic prints "panic in
 * process: " and the message on the hypervisor console, then ends the
 * process (exit status 1); the hypervisor and the guest go on.  assert
 * panics with the expression, function, file and line when it is false
 * (unless NDEBUG is defined).
 */
#ifndef SEALVISOR_BV_LIB_ASSERT_H
#define SEALVISOR_BV_LIB_ASSERT_H

void panic(char *format, ...) __attribute__((noreturn, format(__printf__, 1, 2)));
void assertion_failed(char *x, const char *funcname, char *filename, int linenum)
	__attribute__((noreturn));

#ifdef NDEBUG
#define assert(x) ((void)0)
#else
#define assert(x) ((x) ? (void)0 : assertion_failed(#x, __func__, __FILE__, __LINE__))
#endif

#endif
