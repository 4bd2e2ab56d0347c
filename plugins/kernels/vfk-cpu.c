/* The row primitives of the linear filters, and the CPU flags.
 * The C reference is compiled for the baseline; the same loops are compiled
 * again for x86-64-v3 (AVX2) and x86-64-v4 (AVX-512) and picked when the
 * CPU has them (vfk-private.h).  Hand-written SIMD replaces an entry at
 * its level (the prefix2 scans at AVX2 and AVX-512).
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-private.h"

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
  u8_to_f32_##suffix (float *restrict dst, const uint8_t * restrict src,     \
      int n)                                                                 \
  {                                                                          \
    for (int s = 0; s < n; s++)                                              \
      dst[s] = (float) src[s];                                               \
  }                                                                          \
  attr static void                                                           \
  hsym_u8_u16_##suffix (uint16_t * restrict out, const uint8_t * restrict in, \
      const uint16_t * restrict k, int r, int cn, int n)                     \
  {                                                                          \
    int s = 0;                                                               \
    /* 2 VW samples a step, every tap applied in registers */                \
    for (; s + 2 * VW <= n; s += 2 * VW) {                                   \
      vu16 a0 = vu8_u16_ld (in + s + r * cn) * k[r];                         \
      vu16 a1 = vu8_u16_ld (in + s + VW + r * cn) * k[r];                    \
      for (int i = 0; i < r; i++) {                                          \
        const uint8_t *x = in + s + i * cn, *z = in + s + (2 * r - i) * cn;  \
        a0 += (vu8_u16_ld (x) + vu8_u16_ld (z)) * k[i];                      \
        a1 += (vu8_u16_ld (x + VW) + vu8_u16_ld (z + VW)) * k[i];            \
      }                                                                      \
      memcpy (out + s, &a0, sizeof a0);                                      \
      memcpy (out + s + VW, &a1, sizeof a1);                                 \
    }                                                                        \
    for (; s + VW <= n; s += VW) {                                           \
      vu16 a0 = vu8_u16_ld (in + s + r * cn) * k[r];                         \
      for (int i = 0; i < r; i++)                                            \
        a0 += (vu8_u16_ld (in + s + i * cn)                                  \
            + vu8_u16_ld (in + s + (2 * r - i) * cn)) * k[i];                \
      memcpy (out + s, &a0, sizeof a0);                                      \
    }                                                                        \
    for (; s < n; s++) {                                                     \
      uint16_t a = (uint16_t) (k[r] * in[s + r * cn]);                       \
      for (int i = 0; i < r; i++)                                            \
        a = (uint16_t) (a + k[i] * (in[s + i * cn]                           \
                + in[s + (2 * r - i) * cn]));                                \
      out[s] = a;                                                            \
    }                                                                        \
  }                                                                          \
  attr EXACT_FMA static void                                                 \
  vcol_u16_u8_##suffix (uint8_t * const *restrict out, int m,                \
      const uint16_t * const *restrict rows, const float *restrict k,        \
      int kh, int n)                                                         \
  {                                                                          \
    int s = 0;                                                               \
    for (; s + 2 * VL <= n; s += 2 * VL) {                                   \
      vf a_[4][2];                                                           \
      if (m == 4 && kh >= 3)                                                 \
        V4_SUMS (vf_u16_ld);                                                 \
      else                                                                   \
        VM_SUMS (vf_u16_ld, m);                                              \
      for (int o = 0; o < m; o++) {                                          \
        vf_st_u8 (out[o] + s, (a_[o][0] + 32768.f) * (1.f / 65536.f));       \
        vf_st_u8 (out[o] + s + VL, (a_[o][1] + 32768.f) * (1.f / 65536.f));  \
      }                                                                      \
    }                                                                        \
    for (; s < n; s++)                                                       \
      for (int o = 0; o < m; o++) {                                          \
        float a = 0;                                                         \
        for (int t = 0; t < kh; t++)                                         \
          a += k[t] * rows[o + t][s];                                        \
        out[o][s] = (uint8_t) (int) ((a + 32768.f) * (1.f / 65536.f));       \
      }                                                                      \
  }                                                                          \
  attr static void                                                           \
  vsym_u16_u8_##suffix (uint8_t * const *restrict out, int m,                \
      const uint16_t * const *restrict rows, const uint16_t * restrict k,    \
      int r, int n, uint16_t add, int shift)                                 \
  {                                                                          \
    int s = 0;                                                               \
    /* four rows of 3 or 5 taps, each input row loaded once, in 16-bit      \
     * vectors (in C the shift would widen) */                               \
    if (m == 4 && r == 1)                                                    \
      for (; s + VW <= n; s += VW)                                           \
        VSYM4_U16 (1);                                                       \
    else if (m == 4 && r == 2)                                               \
      for (; s + VW <= n; s += VW)                                           \
        VSYM4_U16 (2);                                                       \
    for (; s < n; s++)                                                       \
      for (int o = 0; o < m; o++) {                                          \
        const uint16_t *const *ro = rows + o;                                \
        uint16_t a = (uint16_t) (k[r] * ro[r][s] + add);                     \
        for (int i = 0; i < r; i++)                                          \
          a = (uint16_t) (a + k[i] * (ro[i][s] + ro[2 * r - i][s]));         \
        out[o][s] = (uint8_t) (a >> shift);                                  \
      }                                                                      \
  }                                                                          \
  V4_BODY (v4_f32_##suffix, attr EXACT_FMA)                                  \
  CONV_BODY (conv_f32_##suffix, attr EXACT_FMA)                               \
  CONV_BODY (conv_f32_exact_##suffix, attr EXACT_FMA)                         \
  const VfkRowDsp vfk_row_table##suffix = {                                 \
    mac_u8_i32_##suffix, mac_i32_i32_##suffix,                               \
    mac_u8_f32_##suffix, mac_f32_f32_##suffix, u8_to_f32_##suffix,           \
    PREFIX_FN, conv_f32_##suffix, conv_f32_exact_##suffix, v4_f32_##suffix,  \
    hsym_u8_u16_##suffix, vsym_u16_u8_##suffix, vcol_u16_u8_##suffix,        \
  };

/* GCC vector extensions: the same source becomes SSE2, AVX2 or AVX-512
 * code depending on the target attribute of the function using it.  VL
 * floats per vector: one register of the level (wider generic vectors
 * made the linear filters 20x slower at AVX2). */
#define VL (VFK_VEC_BYTES / 4)
/* The symmetric filters only ever see integer sums below 2^24, which float
 * computes exactly with or without fused multiply-add: let it fuse. */
#define EXACT_FMA __attribute__((optimize ("fp-contract=fast")))
typedef float vf __attribute__((vector_size (VL * 4)));
typedef int32_t vi __attribute__((vector_size (VL * 4)));
typedef uint8_t vu8 __attribute__((vector_size (VL)));
/* 2 VL 16-bit lanes (the exact Gaussian's 16-bit rows), from 2 VL bytes */
#define VW (2 * VL)
typedef uint16_t vu16 __attribute__((vector_size (VL * 4)));
typedef uint8_t vu8w __attribute__((vector_size (VW)));
/* VL 16-bit samples, widened to float */
typedef uint16_t vu16h __attribute__((vector_size (VL * 2)));
#define vu16_ld(p) ({ vu16 v_; memcpy (&v_, (p), sizeof v_); v_; })
/* VW samples of four output rows from R-radius columns (2R + 4 rows) */
#define VSYM4_U16(R) do {                                                    \
    vu16 l_[2 * (R) + 4];                                                    \
    for (int j = 0; j < 2 * (R) + 4; j++)                                    \
      l_[j] = vu16_ld (rows[j] + s);                                         \
    for (int o = 0; o < 4; o++) {                                            \
      vu16 a_ = l_[o + (R)] * k[R] + add;                                    \
      for (int i = 0; i < (R); i++)                                          \
        a_ += (l_[o + i] + l_[o + 2 * (R) - i]) * k[i];                      \
      a_ >>= shift;                                                          \
      vu8w b_ = __builtin_convertvector (a_, vu8w);                          \
      memcpy (out[o] + s, &b_, VW);                                          \
    }                                                                        \
  } while (0)

/* VW bytes widened to 16 bits, VL 16-bit samples to float (GCC's generic
 * conversions split these into half-width steps on AVX2 and AVX-512) */
#if VFK_ARCH == 2
#include <immintrin.h>
#define vu8_u16_ld(p) ((vu16) _mm512_cvtepu8_epi16 (_mm256_loadu_si256     \
        ((const __m256i *) (p))))
#define vf_u16_ld(p) ((vf) _mm512_cvtepi32_ps (_mm512_cvtepu16_epi32        \
        (_mm256_loadu_si256 ((const __m256i *) (p)))))
#elif VFK_ARCH == 1
#include <immintrin.h>
#define vu8_u16_ld(p) ((vu16) _mm256_cvtepu8_epi16 (_mm_loadu_si128        \
        ((const __m128i *) (p))))
#define vf_u16_ld(p) ((vf) _mm256_cvtepi32_ps (_mm256_cvtepu16_epi32        \
        (_mm_loadu_si128 ((const __m128i *) (p)))))
#else
#define vu8_u16_ld(p) ({ vu8w b_; memcpy (&b_, (p), sizeof b_);               \
      __builtin_convertvector (b_, vu16); })
/* through 32-bit integers: GCC converts 16-bit lanes to float one lane at
 * a time in a general register (SSE2), 32-bit ones in a vector */
#define vf_u16_ld(p) ({ vu16h h_; memcpy (&h_, (p), sizeof h_);              \
      __builtin_convertvector (__builtin_convertvector (h_, vi), vf); })
#endif
#define vf_ld(p) ({ vf v_; memcpy (&v_, (p), sizeof v_); v_; })
#define vf_st(p, v) do { vf v_ = (v); memcpy ((p), &v_, sizeof v_); } while (0)
/* a broadcast (x + {} would add 0.f first: -0.f + 0.f is not -0.f, so the
 * compiler may not drop it; x - 0.f is x for every x) */
#define vf_set1(x) ((float) (x) - (vf) { })
/* truncating float -> u8 for values known to lie in [0, 256) (AVX2: the
 * generic conversion to 8 bytes went through general registers, a lane at
 * a time) */
#if VFK_ARCH == 1
#define vf_st_u8(p, v) vfk_store8_u8 ((p), _mm256_cvttps_epi32 ((__m256) (v)))
#else
#define vf_st_u8(p, v) do { \
    vu8 b_ = __builtin_convertvector (__builtin_convertvector ((v), vi), vu8); \
    memcpy ((p), &b_, sizeof b_); } while (0)
#endif

/* 2-D filter over padded float rows, all taps with accumulators kept in
 * registers: out[s] = sum_j sum_i k[j kw + i] rows[j][s + i cn]. */
#define CONV_BODY(name, attrs)                                               \
  attrs static void                                                          \
  name (float *restrict out, const float *const *restrict rows,              \
      const float *restrict k, int kw, int kh, int cn, int n)                \
  {                                                                          \
    int s0 = 0;                                                              \
    for (; s0 + 4 * VL <= n; s0 += 4 * VL) {                                 \
      vf a[4] = { 0 };                                                       \
      for (int j = 0; j < kh; j++) {                                         \
        const float *row = rows[j] + s0;                                     \
        for (int i = 0; i < kw; i++) {                                       \
          const float wv = k[j * kw + i];                                    \
          if (wv == 0.f)                                                     \
            continue;                                                        \
          const vf w = vf_set1 (wv);                                         \
          const float *x = row + i * cn;                                     \
          for (int q = 0; q < 4; q++)                                        \
            a[q] += w * vf_ld (x + q * VL);                                  \
        }                                                                    \
      }                                                                      \
      for (int q = 0; q < 4; q++)                                            \
        vf_st (out + s0 + q * VL, a[q]);                                     \
    }                                                                        \
    for (int s = s0; s < n; s++) {                                           \
      float acc = 0;                                                         \
      for (int j = 0; j < kh; j++)                                           \
        for (int i = 0; i < kw; i++)                                         \
          acc += k[j * kw + i] * rows[j][s + i * cn];                        \
      out[s] = acc;                                                          \
    }                                                                        \
  }

/* Column filters over 2 VL samples: a_[o][0..1] = sum_t k[t] rows[o + t] for
 * M (1-4) vertically adjacent outputs from kh + M - 1 rows, each row
 * loaded (by LD, into float) once.  V4_SUMS: four outputs of a kernel of
 * three taps or more, without testing taps: rows 0-2 feed only the first
 * outputs, rows kh to kh + 2 only the last. */
#define V_ROW(LD, t, O0, O1) do {                                            \
    const vf v0_ = LD (rows[t] + s), v1_ = LD (rows[t] + s + VL);            \
    for (int o = (O0); o <= (O1); o++) {                                     \
      const vf w_ = vf_set1 (k[(t) - o]);                                    \
      a_[o][0] += w_ * v0_;                                                  \
      a_[o][1] += w_ * v1_;                                                  \
    }                                                                        \
  } while (0)
#define V4_SUMS(LD) do {                                                     \
    for (int o = 0; o < 4; o++)                                              \
      a_[o][0] = a_[o][1] = vf_set1 (0.f);                                   \
    V_ROW (LD, 0, 0, 0);                                                     \
    V_ROW (LD, 1, 0, 1);                                                     \
    V_ROW (LD, 2, 0, 2);                                                     \
    for (int t = 3; t < kh; t++)                                             \
      V_ROW (LD, t, 0, 3);                                                   \
    V_ROW (LD, kh, 1, 3);                                                    \
    V_ROW (LD, kh + 1, 2, 3);                                                \
    V_ROW (LD, kh + 2, 3, 3);                                                \
  } while (0)
#define VM_SUMS(LD, M) do {                                                  \
    for (int o = 0; o < (M); o++)                                            \
      a_[o][0] = a_[o][1] = vf_set1 (0.f);                                   \
    for (int t = 0; t < kh + (M) - 1; t++)                                   \
      V_ROW (LD, t, MAX (0, t - kh + 1), MIN ((M) - 1, t));                  \
  } while (0)

/* four outputs of a kh-tap column filter over float rows */
#define V4_BODY(name, attrs)                                                 \
  attrs static void                                                          \
  name (float *const *restrict out, const float *const *restrict rows,       \
      const float *restrict k, int kh, int n)                                \
  {                                                                          \
    int s = 0;                                                               \
    for (; s + 2 * VL <= n; s += 2 * VL) {                                   \
      vf a_[4][2];                                                           \
      if (kh >= 3)                                                           \
        V4_SUMS (vf_ld);                                                     \
      else                                                                   \
        VM_SUMS (vf_ld, 4);                                                  \
      for (int o = 0; o < 4; o++) {                                          \
        vf_st (out[o] + s, a_[o][0]);                                        \
        vf_st (out[o] + s + VL, a_[o][1]);                                   \
      }                                                                      \
    }                                                                        \
    for (; s < n; s++)                                                       \
      for (int o = 0; o < 4; o++) {                                          \
        float a = 0;                                                         \
        for (int t = 0; t < kh; t++)                                         \
          a += k[t] * rows[t + o][s];                                        \
        out[o][s] = a;                                                       \
      }                                                                      \
  }

/* the running sums of 32-bit or of 16-bit inputs */
#define DEFINE_PREFIX_C(name, T)                                             \
  static void                                                                \
  name (uint32_t * restrict Pa, const T * restrict xa,                       \
      uint32_t * restrict Pb, const T * restrict xb, int n, int cn)          \
  {                                                                          \
    for (int s = 0; s < n; s++) {                                            \
      Pa[s] = Pa[s - cn] + xa[s];                                            \
      Pb[s] = Pb[s - cn] + xb[s];                                            \
    }                                                                        \
  }
/* *INDENT-OFF* */
DEFINE_PREFIX_C (prefix2_u32_c, uint32_t)
DEFINE_PREFIX_C (prefix2_u16_c, uint16_t)
/* *INDENT-ON* */

#if VFK_ARCH >= 1

/* In-register scans with lane permutes: SW lanes per step, log2 steps.
 * The carry from one vector to the next is a dependency chain (permute +
 * add), so two independent rows run interleaved to hide its latency.
 * The same code at both levels: SW lanes of SV, PERM (idx, v) moves lane
 * idx[j] to lane j, LD16 widens SW 16-bit samples. */
#if VFK_ARCH == 2
#define SW 16
typedef __m512i SV;
typedef __mmask16 SMASK;        /* lanes from k on */
#define SMASK_FROM(k, lanes) ((__mmask16) (0xffffu << (k)))
#define SCAN_TARGET VFK_TARGET_AVX512
#define PERM(i, v) _mm512_permutexvar_epi32 ((i), (v))
#define MPERM(m, i, v) _mm512_maskz_permutexvar_epi32 ((m), (i), (v))
#define ADD32 _mm512_add_epi32
#define LDV(p) _mm512_loadu_si512 ((const void *) (p))
#define STV(p, v) _mm512_storeu_si512 ((void *) (p), (v))
#define LD16(p) _mm512_cvtepu16_epi32 (_mm256_loadu_si256 ((const __m256i *) (p)))
#define SCAN_SUFFIX(name) name##_avx512
#else
#define SW 8
typedef __m256i SV;
typedef __m256i SMASK;
#define SMASK_FROM(k, lanes) LDV (lanes)
#define SCAN_TARGET __attribute__((target ("avx2")))
#define PERM(i, v) _mm256_permutevar8x32_epi32 ((v), (i))
#define MPERM(m, i, v) _mm256_and_si256 ((m), PERM ((i), (v)))
#define ADD32 _mm256_add_epi32
#define LDV(p) _mm256_loadu_si256 ((const __m256i *) (p))
#define STV(p, v) _mm256_storeu_si256 ((__m256i *) (p), (v))
#define LD16(p) _mm256_cvtepu16_epi32 (_mm_loadu_si128 ((const __m128i *) (p)))
#define SCAN_SUFFIX(name) name##_avx2
#endif

typedef struct
{
  SV shift_idx[4], carry_idx;
  SMASK shift_mask[4];
  int n_shifts;
} ScanPlan;

SCAN_TARGET static void
scan_plan (ScanPlan * sp, int cn)
{
  uint32_t lanes[SW], mask[SW];
  sp->n_shifts = 0;
  for (int k = cn; k < SW; k *= 2) {
    for (int j = 0; j < SW; j++) {
      lanes[j] = (uint32_t) (j >= k ? j - k : 0);
      mask[j] = j >= k ? ~0u : 0;
    }
    sp->shift_idx[sp->n_shifts] = LDV (lanes);
    sp->shift_mask[sp->n_shifts] = SMASK_FROM (k, mask);
    sp->n_shifts++;
  }
  (void) mask;                  /* AVX-512 masks are bits */
  for (int j = 0; j < SW; j++)
    lanes[j] = (uint32_t) (SW - cn + j % cn);
  sp->carry_idx = LDV (lanes);
}

SCAN_TARGET static inline SV
scan_vec (const ScanPlan * sp, SV v)
{
  for (int i = 0; i < sp->n_shifts; i++)
    v = ADD32 (v, MPERM (sp->shift_mask[i], sp->shift_idx[i], v));
  return v;
}

SCAN_TARGET static inline SV
carry_in (const uint32_t * P, int cn)
{
  uint32_t lanes[SW];
  for (int j = 0; j < SW; j++)
    lanes[j] = j >= SW - cn ? P[j - SW] : 0;
  return LDV (lanes);
}

/* SW inputs from 32-bit or (x16) 16-bit samples */
#define PREFIX_LOAD(x, s, x16) ((x16)                                        \
    ? LD16 ((const uint16_t *) (x) + (s)) : LDV ((const uint32_t *) (x) + (s)))
#define PREFIX_AT(x, s, x16) ((x16) ? ((const uint16_t *) (x))[s]            \
    : ((const uint32_t *) (x))[s])

SCAN_TARGET VFK_ALWAYS_INLINE void
prefix2_simd (uint32_t * restrict Pa, const void *restrict xa,
    uint32_t * restrict Pb, const void *restrict xb, int n, int cn, int x16)
{
  ScanPlan sp;
  int s = 0;

  scan_plan (&sp, cn);
  if (n >= SW) {
    SV pa = carry_in (Pa, cn), pb = carry_in (Pb, cn);
    for (; s + SW <= n; s += SW) {
      SV va = scan_vec (&sp, PREFIX_LOAD (xa, s, x16));
      SV vb = scan_vec (&sp, PREFIX_LOAD (xb, s, x16));
      va = ADD32 (va, PERM (sp.carry_idx, pa));
      vb = ADD32 (vb, PERM (sp.carry_idx, pb));
      STV (Pa + s, va);
      STV (Pb + s, vb);
      pa = va;
      pb = vb;
    }
  }
  for (; s < n; s++) {
    Pa[s] = Pa[s - cn] + PREFIX_AT (xa, s, x16);
    Pb[s] = Pb[s - cn] + PREFIX_AT (xb, s, x16);
  }
}

SCAN_TARGET static void
SCAN_SUFFIX (prefix2_u32) (uint32_t * restrict Pa,
    const uint32_t * restrict xa, uint32_t * restrict Pb,
    const uint32_t * restrict xb, int n, int cn)
{
  prefix2_simd (Pa, xa, Pb, xb, n, cn, 0);
}

SCAN_TARGET static void
SCAN_SUFFIX (prefix2_u16) (uint32_t * restrict Pa,
    const uint16_t * restrict xa, uint32_t * restrict Pb,
    const uint16_t * restrict xb, int n, int cn)
{
  prefix2_simd (Pa, xa, Pb, xb, n, cn, 1);
}

#define PREFIX_FN SCAN_SUFFIX (prefix2_u32), SCAN_SUFFIX (prefix2_u16)
#else
#define PREFIX_FN prefix2_u32_c, prefix2_u16_c
#endif

/* this level's table: vfk_row_table_c, _avx2 or _avx512 */
#define DEFINE_MACS_(suffix) DEFINE_MACS (suffix, )
/* *INDENT-OFF* */
DEFINE_MACS_ (VFK_SUFFIX)
/* *INDENT-ON* */

#if VFK_ONCE

VFK_DECLARE_VARIANTS (extern const VfkRowDsp, vfk_row_table,);

static unsigned forced = ~0u;   /* vfk_cpu_set_flags; ~0: not set */

unsigned
vfk_cpu_detect (void)
{
  unsigned flags = 0;
#ifdef VFK_HAVE_VARIANTS
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("x86-64-v3")) {
    flags |= VFK_CPU_AVX2;
    if (__builtin_cpu_supports ("x86-64-v4"))
      flags |= VFK_CPU_AVX512;
  }
#endif
  return flags;
}

static unsigned
allowed (void)
{
  static unsigned cached = ~0u;
  unsigned a = __atomic_load_n (&cached, __ATOMIC_ACQUIRE);
  if (a == ~0u) {
    const char *force = getenv ("VFK_CPU");
    a = vfk_cpu_detect ();
    if (force && strcmp (force, "c") == 0)
      a = 0;
    else if (force && strcmp (force, "avx2") == 0)
      a &= VFK_CPU_AVX2;
    __atomic_store_n (&cached, a, __ATOMIC_RELEASE);
  }
  return a;
}

unsigned
vfk_cpu_flags (void)
{
  unsigned f = __atomic_load_n (&forced, __ATOMIC_ACQUIRE);
  return f != ~0u ? f : allowed ();
}

unsigned
vfk_cpu_set_flags (unsigned flags)
{
  unsigned before = vfk_cpu_flags ();
  flags &= vfk_cpu_detect ();
  if (!(flags & VFK_CPU_AVX2))
    flags = 0;                  /* AVX512 only on top of AVX2 */
  __atomic_store_n (&forced, flags, __ATOMIC_RELEASE);
  return before;
}

const void *
vfk_dsp (void *tables, int *ready, size_t size, VfkDspInit init)
{
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  const unsigned f = vfk_cpu_flags () & (VFK_CPU_LEVELS - 1);
  void *table = (uint8_t *) tables + f * size;

  if (!__atomic_load_n (&ready[f], __ATOMIC_ACQUIRE)) {
    pthread_mutex_lock (&lock);
    if (!ready[f]) {
      init (table, f);
      __atomic_store_n (&ready[f], 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock (&lock);
  }
  return table;
}

void
vfk_row_dsp_init (VfkRowDsp * dsp, unsigned flags)
{
  *dsp = vfk_row_table_c;
#ifdef VFK_HAVE_VARIANTS
  if (flags & VFK_CPU_AVX2)
    *dsp = vfk_row_table_avx2;
  if (flags & VFK_CPU_AVX512)
    *dsp = vfk_row_table_avx512;
#endif
}

const VfkRowDsp *
vfk_row_dsp (void)
{
  static VfkRowDsp tables[VFK_CPU_LEVELS];
  static int ready[VFK_CPU_LEVELS];
  return vfk_dsp (tables, ready, sizeof (VfkRowDsp),
      (VfkDspInit) vfk_row_dsp_init);
}

#endif /* VFK_ONCE */
