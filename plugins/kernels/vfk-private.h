/* Internal helpers shared by the filters of the kernel library.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFK_PRIVATE_H
#define VFK_PRIVATE_H

#include <limits.h>
#include <pthread.h>
#include "vfk.h"

/* Hot loops outside the VfkCpu table: compiled for the baseline, AVX2 and
 * AVX-512 and picked by the dynamic loader once (ifunc). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VFK_CLONES __attribute__((target_clones ("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define VFK_CLONES
#endif

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
  return img->data + (ptrdiff_t) y * img->stride;
}

/* Floor division for a positive divisor. */
static inline int64_t
vfk_floor_div (int64_t a, int64_t d)
{
  int64_t q = a / d;
  return (a % d != 0 && a < 0) ? q - 1 : q;
}

/* Map n accumulators to 8-bit output with the kernel's rounding. */
void vfk_finish_i32 (uint8_t * out, const int32_t * acc, int n,
    const VfkRound * r);
void vfk_finish_f32 (uint8_t * out, const float *acc, int n,
    const VfkRound * r);

typedef struct VfkRangeBins VfkRangeBins;

/* The tables of one bilateral parameter set (vfk-bilateral.c). */
struct VfkBilateral {
  int radius, maxk;
  int *ofs_y, *ofs_x;
  float *space_w;
  float *color_w;               /* 256 * 4 entries: any channel count */
  float gauss_color;            /* -1 / (2 sigma_color^2) */
  double sigma_color;           /* after OpenCV's <= 0 rule */
  double sigma_window;          /* standard deviation of the space weights
                                 * (truncated to the circle) along an axis */
  /* fast mode's range-bin tables, one per range-value width (the number of
   * channels summed, 1-4), made on first use (vfk-grid.c) */
  pthread_mutex_t fast_lock;
  VfkRangeBins *fast[5];
};

/* Range bins of the fast bilateral for range values 0..gmax. */
struct VfkRangeBins {
  double step;                  /* range distance between bins */
  int nb;                       /* bins */
  float *w;                     /* w[v * nb + b]: range weight of value v */
  uint8_t *blo, *bhi;           /* bins with a weight worth adding, per v */
};

void vfk_range_bins_free (VfkRangeBins * r);

/* The Gaussian on a grid of cells sigma/2 wide (vfk-grid.c), which
 * vfk_gauss_fast uses from this sigma on (cells of at least 2 pixels). */
#define VFK_GAUSS_GRID_MIN_SIGMA 4.0
int vfk_gauss_grid (VfkPool * pool, const VfkImage * src, VfkImage * dst,
    int ox, int oy, VfkBorder border, uint8_t value, double sigma_x,
    double sigma_y);

/* A cache of processed rows keyed by padded row coordinate, one slot per
 * kernel row: consecutive output rows reuse kh-1 of them. */
typedef struct {
  int n;                        /* slots */
  int *tag;                     /* padded coordinate held by each slot */
  uint8_t *mem;                 /* n slots of `slot_size` bytes */
  size_t slot_size;
} VfkRing;

static inline size_t
vfk_ring_bytes (int n, size_t slot_size)
{
  return VFK_ALIGN (sizeof (int) * n) + (size_t) n * VFK_ALIGN (slot_size);
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
  return ring->mem + (size_t) i * ring->slot_size;
}

#endif
