/*
 * Stands in for GCC's <mm_malloc.h> in the in-VMM build of
 * sv_sha256_x86ni.c: <immintrin.h> includes it only for _mm_malloc() and
 * _mm_free(), which we never use, and the real one pulls in the C
 * library's <stdlib.h>.  With this first on the include path, the
 * freestanding build sees no C library header at all.
 */
#ifndef SV_FS_MM_MALLOC_H
#define SV_FS_MM_MALLOC_H
#endif
