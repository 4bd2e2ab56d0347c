/* Per-CPU variants of the inner loops, chosen once at first use.
 * The C reference is compiled for the baseline; the same loops are compiled
 * again for AVX2 and AVX-512BW and picked when the CPU has them.  Hand-written
 * SIMD can replace any entry later without touching the callers.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "vfk.h"

#define DEFINE_MACS(suffix, attr)                                            \
  attr static void                                                           \
  mac_u8_i32_##suffix (int32_t * restrict acc, const uint8_t * restrict row, \
      int32_t w, int n)                                                      \
  {                                                                          \
    for (int s = 0; s < n; s++)                                              \
      acc[s] += w * (int32_t) row[s];                                        \
  }                                                                          \
  attr static void                                                           \
  mac_i32_i32_##suffix (int32_t * restrict acc, const int32_t * restrict row,\
      int32_t w, int n)                                                      \
  {                                                                          \
    for (int s = 0; s < n; s++)                                              \
      acc[s] += w * row[s];                                                  \
  }                                                                          \
  attr static void                                                           \
  mac_u8_f32_##suffix (float *restrict acc, const uint8_t * restrict row,    \
      float w, int n)                                                        \
  {                                                                          \
    for (int s = 0; s < n; s++)                                              \
      acc[s] += w * (float) row[s];                                          \
  }                                                                          \
  attr static void                                                           \
  mac_f32_f32_##suffix (float *restrict acc, const float *restrict row,      \
      float w, int n)                                                        \
  {                                                                          \
    for (int s = 0; s < n; s++)                                              \
      acc[s] += w * row[s];                                                  \
  }                                                                          \
  attr static void                                                           \
  mac_u8_u16_##suffix (uint16_t * restrict acc, const uint8_t * restrict row,\
      uint16_t w, int n)                                                     \
  {                                                                          \
    for (int s = 0; s < n; s++)                                              \
      acc[s] = (uint16_t) (acc[s] + w * row[s]);                             \
  }                                                                          \
  attr static void                                                           \
  mac_u16_u32_##suffix (uint32_t * restrict acc,                             \
      const uint16_t * restrict row, uint32_t w, int n)                      \
  {                                                                          \
    for (int s = 0; s < n; s++)                                              \
      acc[s] += w * (uint32_t) row[s];                                       \
  }                                                                          \
  static const VfkCpu cpu_##suffix = {                                       \
    #suffix, mac_u8_i32_##suffix, mac_i32_i32_##suffix,                      \
    mac_u8_f32_##suffix, mac_f32_f32_##suffix, mac_u8_u16_##suffix,          \
    mac_u16_u32_##suffix,                                                    \
  };

DEFINE_MACS (c,)
#if defined(__x86_64__) && defined(__GNUC__)
DEFINE_MACS (avx2, __attribute__((target ("avx2,fma"))))
DEFINE_MACS (avx512, __attribute__((target ("avx512f,avx512bw,avx512vl,avx2,fma"))))
#endif

static const VfkCpu *chosen;

static const VfkCpu *
choose (void)
{
  const char *force = getenv ("VFK_CPU");

  if (force && strcmp (force, "c") == 0)
    return &cpu_c;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init ();
  if ((!force || strcmp (force, "avx2") != 0)
      && __builtin_cpu_supports ("avx512f")
      && __builtin_cpu_supports ("avx512bw"))
    return &cpu_avx512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return &cpu_avx2;
#endif
  return &cpu_c;
}

const VfkCpu *
vfk_cpu (void)
{
  const VfkCpu *c = __atomic_load_n (&chosen, __ATOMIC_ACQUIRE);
  if (!c) {
    c = choose ();
    __atomic_store_n (&chosen, c, __ATOMIC_RELEASE);
  }
  return c;
}

const VfkCpu *
vfk_cpu_reference (void)
{
  return &cpu_c;
}
