/* Internal helpers shared by the filters of the kernel library.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFK_PRIVATE_H
#define VFK_PRIVATE_H

#include <limits.h>
#include <pthread.h>
#include "vfk.h"

/* ---- per-CPU variants, in FFmpeg's shape ---------------------------------
 *
 * A file with hot loops is compiled once per CPU level (meson.build):
 * VFK_ARCH 0 is the C reference for the baseline, 1 the same source for
 * x86-64-v3 (AVX2, FMA), 2 for x86-64-v4 (AVX-512).  VFK_FN (name) names a
 * hot function for its level (name_c, name_avx2, name_avx512); everything
 * else of such a file (its dispatch table, its public functions) is
 * compiled once, under VFK_ONCE.  Each filter's table (vfk-dsp.h) is made
 * the same way: the C entries first, then the overrides of each CPU flag
 * the machine has and VFK_CPU allows (vfk_dsp ()). */
#ifndef VFK_ARCH
#define VFK_ARCH 0
#endif
#define VFK_CAT_(a, b) a##b
#define VFK_CAT(a, b) VFK_CAT_ (a, b)
#if VFK_ARCH == 0
#define VFK_SUFFIX _c
#define VFK_ONCE 1
#elif VFK_ARCH == 1
#define VFK_SUFFIX _avx2
#define VFK_ONCE 0
#else
#define VFK_SUFFIX _avx512
#define VFK_ONCE 0
#endif
#define VFK_FN(name) VFK_CAT (name, VFK_SUFFIX)
/* Bytes of one vector register at this level: GCC splits a generic
 * vector wider than that through the stack (many times slower). */
#if VFK_ARCH == 2
#define VFK_VEC_BYTES 64
#elif VFK_ARCH == 1
#define VFK_VEC_BYTES 32
#else
#define VFK_VEC_BYTES 16
#endif
#if VFK_ARCH == 1
#include <immintrin.h>
/* eight 32-bit lanes stored as eight bytes, saturated to 0-255 (GCC's
 * generic conversion moves each lane through a general register here) */
static inline void
vfk_store8_u8 (uint8_t * p, __m256i v)
{
  const __m128i w = _mm_packus_epi32 (_mm256_castsi256_si128 (v),
      _mm256_extracti128_si256 (v, 1));
  _mm_storel_epi64 ((__m128i *) p, _mm_packus_epi16 (w, w));
}
#endif

/* Declares the three variants of a hot function (the ones of the levels
 * not built are never referenced: see VFK_OVERRIDE). */
#define VFK_DECLARE_VARIANTS(ret, name, args) \
  ret name##_c args; ret name##_avx2 args; ret name##_avx512 args

/* In a table's init: `field` takes the level's variant for each flag. */
#ifdef VFK_HAVE_VARIANTS
#define VFK_OVERRIDE(dsp, flags, field, name) \
  do { \
    if ((flags) & VFK_CPU_AVX2) \
      (dsp)->field = name##_avx2; \
    if ((flags) & VFK_CPU_AVX512) \
      (dsp)->field = name##_avx512; \
  } while (0)
#else
#define VFK_OVERRIDE(dsp, flags, field, name) do { } while (0)
#endif

typedef void (*VfkDspInit) (void *dsp, unsigned flags);
/* The table for the CPU flags in effect (vfk_cpu_flags): tables holds one
 * table of `size` bytes per flag set (VFK_CPU_LEVELS), ready their
 * made-flags; init fills one for given flags.  Thread-safe. */
const void *vfk_dsp (void *tables, int *ready, size_t size, VfkDspInit init);
#define VFK_CPU_LEVELS 4

/* A filter's getter of its table: static const Type *getter (void). */
#define VFK_DSP_GETTER(Type, getter, init) \
  static const Type * \
  getter (void) \
  { \
    static Type tables[VFK_CPU_LEVELS]; \
    static int ready[VFK_CPU_LEVELS]; \
    return vfk_dsp (tables, ready, sizeof (Type), (VfkDspInit) init); \
  }

/* Spelled as one word so that gst-indent reads the functions they mark */
#define VFK_TARGET_AVX512 __attribute__((target ("avx512f")))
#define VFK_ALWAYS_INLINE static inline __attribute__((always_inline))

#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#define VFK_ALIGN(n) (((size_t) (n) + 63) & ~(size_t) 63)

static inline uint8_t
vfk_sat_u8 (int64_t v)
{
  return v < 0 ? 0 : v > 255 ? 255 : (uint8_t) v;
}

static inline uint8_t *
vfk_row (const VfkImage * img, int y)
{
  return img->data + (ptrdiff_t) y *img->stride;
}

/* Asks for bytes [from, to) of a row (row y's [0, n) if y lies in the
 * image) ahead of their use: a filter streaming a frame from memory reads
 * each source row once, and the hardware prefetcher alone starts too late
 * on it (the 3x3 and 5x5 Gaussians on frames from memory: 15 % faster).
 * A row about to be written is fetched early the same way, ahead of the
 * stores that otherwise wait for it (GCC compiles a write prefetch as a
 * read for x86-64 v1 to v4 alike: PREFETCHW is an extension of its own;
 * a line no other core holds arrives writable anyway).  A whole row asked
 * for at once fills the core's miss buffers and stalls it; a loop that
 * asks for VFK_PREFETCH_CHUNK bytes before each chunk it works on spreads
 * the requests over the work (1080p BGR, one thread: the 3x3 median 0.83
 * -> 0.69 ms a frame, the 3x3 Gaussian's in-place rows 0.68 -> 0.60, the
 * box's column update 1.65 -> 1.49 at 15x15).
 * Written rows gain by it in the median, lose in the Gaussian, whose
 * four-row stores the hardware already streams. */
#define VFK_PREFETCH_ROWS 4
#define VFK_PREFETCH_CHUNK 1024
static inline void
vfk_prefetch_bytes (const uint8_t * p, ptrdiff_t from, ptrdiff_t to)
{
  for (ptrdiff_t i = from; i < to; i += 64)
    __builtin_prefetch (p + i);
}

/* Row y, or NULL where y lies outside the image */
static inline const uint8_t *
vfk_row_in (const VfkImage * img, int y)
{
  return y >= 0 && y < img->height ? vfk_row (img, y) : NULL;
}

/* [from, to) of a row of n bytes, clamped to it; nothing without a row */
static inline void
vfk_prefetch_within (const uint8_t * row, ptrdiff_t from, ptrdiff_t to,
    ptrdiff_t n)
{
  if (row)
    vfk_prefetch_bytes (row, MAX (from, 0), MIN (to, n));
}

static inline void
vfk_prefetch_row (const VfkImage * img, int y, size_t n)
{
  vfk_prefetch_within (vfk_row_in (img, y), 0, (ptrdiff_t) n, (ptrdiff_t) n);
}

/* Floor division for a positive divisor. */
static inline int64_t
vfk_floor_div (int64_t a, int64_t d)
{
  int64_t q = a / d;
  return (a % d != 0 && a < 0) ? q - 1 : q;
}

/* The tables of one bilateral parameter set (vfk-bilateral.c). */
struct VfkBilateral
{
  int radius, maxk;
  int *ofs_y, *ofs_x;
  float *space_w;
  float *space_log2;            /* log2 of space_w (the pair sweep) */
  float gauss_color;            /* -1 / (2 sigma_color^2) */
  double sigma_color;           /* after OpenCV's <= 0 rule */
  double sigma_window;          /* standard deviation of the space weights
                                 * (truncated to the circle) along an axis */
  /* what another module derives from this set on first use (the fast
   * bilateral's range bins), freed with it; made under ext_lock: the set
   * is shared by every frame and every element thread */
  pthread_mutex_t ext_lock;
  void *ext;
  void (*ext_free) (void *ext);
};

/* A cache of processed rows keyed by padded row coordinate, one slot per
 * kernel row: consecutive output rows reuse kh-1 of them. */
typedef struct
{
  int n;                        /* slots */
  int *tag;                     /* padded coordinate held by each slot */
  uint8_t *mem;                 /* n slots of `slot_size` bytes */
  size_t slot_size;
} VfkRing;

static inline size_t
vfk_ring_bytes (int n, size_t slot_size)
{
  return VFK_ALIGN (sizeof (int) * n) + (size_t) n *VFK_ALIGN (slot_size);
}

static inline void
vfk_ring_init (VfkRing * ring, void *mem, int n, size_t slot_size)
{
  ring->n = n;
  ring->tag = mem;
  ring->mem = (uint8_t *) mem + VFK_ALIGN (sizeof (int) * n);
  ring->slot_size = VFK_ALIGN (slot_size);
  for (int i = 0; i < n; i++)
    ring->tag[i] = INT_MIN;
}

/* Returns the slot for padded coordinate c; *fresh tells whether its
 * content must be computed. */
static inline void *
vfk_ring_slot (VfkRing * ring, int c, int *fresh)
{
  int i = c % ring->n;
  if (i < 0)
    i += ring->n;
  *fresh = ring->tag[i] != c;
  ring->tag[i] = c;
  return ring->mem + (size_t) i *ring->slot_size;
}

#endif
