/* checkasm's shared helpers (test-checkasm.c, checkasm-rows.c): a
 * deterministic generator, the row lengths and the CPU levels to test.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CHECKASM_H
#define CHECKASM_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk.h"

#define N_ENTRIES(T) (sizeof (T) / sizeof (void (*) (void)))
#define CHECKED(T, n) \
  _Static_assert (N_ENTRIES (T) == (n), "an entry of " #T " has no check")

static uint32_t rng_state __attribute__((unused)) = 12345;

__attribute__((unused))
     static int rnd (int n)
{
  rng_state = rng_state * 1103515245u + 12345u;
  return (int) ((rng_state >> 8) % (uint32_t) n);
}

/* Odd lengths, from one sample to several vectors and a tail. */
__attribute__((unused))
     static const int lengths[] = { 1, 3, 7, 17, 31, 63, 97, 129, 251 };

#define MAXN 300                /* samples per row, with room for offsets */
#define OFF 3                   /* largest unaligned start */

/* The levels above C this machine has: AVX2, then AVX2 + AVX-512. */
__attribute__((unused))
     static int variant_levels (unsigned *levels)
{
  unsigned have = vfk_cpu_detect ();
  int n = 0;
  if (have & VFK_CPU_AVX2)
    levels[n++] = VFK_CPU_AVX2;
  if ((have & VFK_CPU_AVX2) && (have & VFK_CPU_AVX512))
    levels[n++] = VFK_CPU_AVX2 | VFK_CPU_AVX512;
  if (n == 0)
    printf ("checkasm: this CPU has no level above C: only the C entries "
        "run\n");
  return n;
}

__attribute__((unused))
     static const char *level_name (unsigned flags)
{
  return flags & VFK_CPU_AVX512 ? "avx512" : flags ? "avx2" : "c";
}

__attribute__((unused))
     static void fill_u8 (uint8_t * p, int n)
{
  for (int i = 0; i < n; i++)
    p[i] = (uint8_t) rnd (256);
}

/* checkasm-rows.c: the row primitives (VfkRowDsp) */
void checkasm_add_row_tests (TCase * tc);

#endif /* CHECKASM_H */
