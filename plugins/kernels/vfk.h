/* vfilterd kernel library — GStreamer-free image filters.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every filter works on a VfkImage view of 8-bit samples: packed formats are
 * seen as one plane of `channels` interleaved samples per pixel, planar
 * formats as one view per plane.  Nothing is copied into another layout.
 *
 * Geometry shared by every filter: the destination view defines the output
 * size; output pixel (x, y) is the filter centred (at the kernel anchor) on
 * source pixel (x + ox, y + oy).  Same-size filtering uses ox = oy = 0;
 * the "valid" border is ox = anchor-x, oy = anchor-y with a smaller output,
 * so the kernels themselves never see the VALID policy.
 */
#ifndef VFK_H
#define VFK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C"
{
#endif

  typedef enum
  {
    VFK_BORDER_CONSTANT = 0,    /* v v | a b c d e | v v */
    VFK_BORDER_REPLICATE = 1,   /* a a | a b c d e | e e */
    VFK_BORDER_REFLECT = 2,     /* c b | a b c d e | d c   (OpenCV REFLECT_101) */
    VFK_BORDER_SYMMETRIC = 3,   /* b a | a b c d e | e d   (OpenCV REFLECT) */
    VFK_BORDER_WRAP = 4,        /* d e | a b c d e | a b */
    VFK_BORDER_VALID = 5,       /* no padding: the output shrinks */
  } VfkBorder;

#define VFK_N_BORDERS 6

  typedef struct
  {
    uint8_t *data;              /* first sample of the first row */
    ptrdiff_t stride;           /* bytes from one row to the next */
    int width;                  /* pixels per row */
    int height;                 /* rows */
    int channels;               /* interleaved samples per pixel (1..4) */
  } VfkImage;

/* Largest kernel side any filter accepts (user input is checked against it). */
#define VFK_MAX_KERNEL 1023

/* ---- border module (vfk-border.c) ------------------------------------- */

/* Maps coordinate p (any integer) into [0, n) under `border`; returns -1
 * when the pixel is the constant fill value (CONSTANT).  Works for any
 * distance from the frame, so kernels larger than the frame are fine. */
  int vfk_border_index (int p, int n, VfkBorder border);

/* Fills dst with `count` pixels of the padded row: pixel k of dst is source
 * pixel (start + k) after border mapping, `value` where it is constant. */
  void vfk_border_fill_row (uint8_t * dst, const uint8_t * src_row, int width,
      int channels, int start, int count, VfkBorder border, uint8_t value);

/* Pads row `row` (any integer: mapped under `border`, all `value` where
 * it falls outside under CONSTANT) of `src` into dst: `count` pixels
 * starting at column `start`.  The one place rows get their borders. */
  void vfk_border_pad_row (uint8_t * dst, const VfkImage * src, int row,
      int start, int count, VfkBorder border, uint8_t value);

/* vfk_border_pad_row without its prefetch of the whole row
 * VFK_PREFETCH_ROWS further down: for a caller that spreads its own over
 * its work (vfk-private.h). */
  void vfk_border_pad_row_noprefetch (uint8_t * dst, const VfkImage * src,
      int row, int start, int count, VfkBorder border, uint8_t value);

/* How a row padded over [start, start + count) of a frame width pixels
 * wide splits: n[0] border columns left of the frame, n[1] in it, n[2]
 * right of it (the split of vfk_border_row_runs and vfk_border_col_map). */
  void vfk_border_split (int width, int start, int count, int n[3]);

/* The same padded row as three runs, so that the frame's own samples are
 * read in place rather than copied: run k is n[k] pixels at p[k]; run 1
 * lies in the frame (when the row maps into it), runs 0 and 2 (the
 * border columns, or the whole row when it is the constant fill) in dst
 * (count pixels).  n[] depends on start, count and the width only, so
 * two rows split alike. */
  typedef struct
  {
    const uint8_t *p[3];
    int n[3];
  } VfkRowRuns;
  void vfk_border_row_runs (VfkRowRuns * runs, uint8_t * dst,
      const VfkImage * src, int row, int start, int count, VfkBorder border,
      uint8_t value);
/* The same without the prefetch (as vfk_border_pad_row_noprefetch). */
  void vfk_border_row_runs_noprefetch (VfkRowRuns * runs, uint8_t * dst,
      const VfkImage * src, int row, int start, int count, VfkBorder border,
      uint8_t value);

/* The border columns of a row padded over [start, start + count) as
 * copies of its own frame columns, for filters that keep per-column
 * quantities (column sums, column histograms): with the row split as
 * vfk_border_row_runs splits it, map[k] for k < n[0] + n[2] (the left
 * border columns, then the right ones) is the position in the padded row
 * of the frame column that border column copies, or -1 under CONSTANT
 * (the fill value).  Returns 0 when some copied column lies outside the
 * row's own frame run (n[1]): the caller pads rows instead. */
  int vfk_border_col_map (int *map, int width, int start, int count,
      VfkBorder border);

/* Per-column sums of rows padded that way (n: vfk_border_split's), 16-bit
 * (c16) or 32-bit, interleaved channels: each border column's sums copied
 * from the frame column it repeats (map: vfk_border_col_map's), fill where
 * it is the constant — a border column's pixels are, row by row, those of
 * one frame column, so is its sum. */
  void vfk_border_col_sums (void *col, const int *map, const int n[3],
      int cn, uint32_t fill, int c16);

/* ---- worker pool (vfk-pool.c) ------------------------------------------ */

  typedef struct VfkPool VfkPool;

/* n_threads == 0: one worker per online CPU.  Threads are created here,
 * never per frame. */
  VfkPool *vfk_pool_new (unsigned n_threads);
  void vfk_pool_free (VfkPool * pool);
  int vfk_pool_n_threads (const VfkPool * pool);

/* A pool may serve several callers (the elements of one pipeline): each
 * holds the lock around its jobs and their shared scratch.  NULL: no-op. */
  void vfk_pool_lock (VfkPool * pool);
  void vfk_pool_unlock (VfkPool * pool);

/* Scratch memory owned by worker `worker`, at least `size` bytes, 64-byte
 * aligned.  Grows only; in the steady state this never allocates.  NULL
 * when the memory cannot be had: the band returns at once and the job
 * (vfk_pool_run) reports -1.  With VFK_FAIL_SCRATCH set in the environment
 * when the pool is made, every request fails (a test hook). */
  void *vfk_pool_scratch (VfkPool * pool, int worker, size_t size);

/* One buffer shared by all workers of a job (e.g. an intermediate frame),
 * at least `size` bytes; grows only.  Call from the calling thread. */
  void *vfk_pool_shared_scratch (VfkPool * pool, size_t size);

  typedef void (*VfkBandFunc) (void *ctx, int worker, int y0, int y1);

/* Splits rows [0, n_rows) into one band per worker and runs func on each,
 * the calling thread taking the first band.  Returns when all are done:
 * 0, or -1 when a band could not get its scratch memory (every public
 * kernel returns that too).  pool may be NULL: then everything runs on the
 * calling thread. */
  int vfk_pool_run (VfkPool * pool, int n_rows, VfkBandFunc func, void *ctx);

/* ---- per-CPU variants (vfk-cpu.c) --------------------------------------- */

/* What the kernels may use beyond the baseline (x86-64): AVX2 is the
 * x86-64-v3 level, AVX512 the x86-64-v4 level (only with AVX2). */
#define VFK_CPU_AVX2 1u
#define VFK_CPU_AVX512 2u

/* The flags in effect: what the CPU has, limited by the environment
 * variable VFK_CPU (c = none, avx2 = AVX2 at most). */
  unsigned vfk_cpu_flags (void);
/* For tests: run every kernel with `flags` (limited to what the CPU has)
 * from now on; returns the flags in effect before. */
  unsigned vfk_cpu_set_flags (unsigned flags);
/* What this CPU has (whatever VFK_CPU says). */
  unsigned vfk_cpu_detect (void);

/* ---- output rounding ----------------------------------------------------- */

  typedef enum
  {
    VFK_ROUND_SHIFT,            /* out = (acc + add) >> shift        (integer) */
    VFK_ROUND_DIV,              /* out = floor((acc + add) / div)   (integer) */
    VFK_ROUND_FLOAT,            /* out = floor(acc * scale + offset)  (float) */
  } VfkRoundKind;

  typedef struct
  {
    VfkRoundKind kind;
    int shift;
    int64_t add;
    int64_t div;
    double scale, offset;
  } VfkRound;

/* ---- linear filters (vfk-linear.c) -------------------------------------- */

/* A correlation kernel: out(x,y) = finish(sum_ij k[j*kw+i] * in(x+i-ax, y+j-ay)).
 * Convolution is correlation with the flipped kernel (vfk_kernel_flip). */
  typedef struct
  {
    int kw, kh;                 /* size */
    int ax, ay;                 /* anchor inside the kernel */
    int is_int;                 /* every weight is an integer (ki valid) */
    int exact_f32;              /* ... and every sum is exact in float */
    int32_t *ki;                /* integer weights, kw*kh, when is_int */
    float *kf;                  /* float weights, kw*kh, always */
    /* rank-1 factorisation k = col * row, when separable != 0 */
    int separable;
    int32_t *rowi, *coli;       /* integer factors (is_int) */
    float *rowf, *colf;         /* float factors */
    VfkRound round;             /* maps the accumulator to 0..255 */
  } VfkKernel;

/* Builds a kernel from kw*kh weights in row-major order.  divisor != 0,
 * bias added after division; output rounded half up and saturated.
 * Returns NULL and sets *err (static string) on bad input. */
  VfkKernel *vfk_kernel_new (const double *weights, int kw, int kh, int ax,
      int ay, double divisor, double bias, const char **err);
  void vfk_kernel_free (VfkKernel * k);
/* In-place 180° rotation; the anchor follows the weight it sat on. */
  void vfk_kernel_flip (VfkKernel * k);

/* out = src filtered by k; see the geometry note at the top. */
  int vfk_filter2d (VfkPool * pool, const VfkImage * src, VfkImage * dst,
      int ox, int oy, VfkBorder border, uint8_t value, const VfkKernel * k);

/* ---- box (vfk-box.c) ------------------------------------------------------ */

  typedef enum
  {
    VFK_BOX_ROUND_HALF_UP = 0,  /* exact floor(sum/area + 1/2) */
    VFK_BOX_ROUND_OPENCV = 1,   /* bit-identical to OpenCV 4.6 cv2.blur */
  } VfkBoxRounding;

  int vfk_box (VfkPool * pool, const VfkImage * src, VfkImage * dst,
      int ox, int oy, VfkBorder border, uint8_t value, int kw, int kh,
      VfkBoxRounding rounding);

/* ---- Gaussian (vfk-gauss.c) ---------------------------------------------- */

/* OpenCV 4.6 GaussianBlur size rules: size <= 0 derived from sigma,
 * sigma <= 0 derived from size.  Returns the resolved odd size. */
  int vfk_gauss_resolve_size (int ksize, double sigma);
/* The 8-bit kernel of OpenCV 4.6: n weights summing to 256. */
  void vfk_gauss_kernel_q8 (int n, double sigma, int32_t * out);
/* cv2.GaussianBlur(src, (kw,kh), sx, sy) for 8-bit data, bit-exact. */
  int vfk_gauss_exact (VfkPool * pool, const VfkImage * src, VfkImage * dst,
      int ox, int oy, VfkBorder border, uint8_t value, int kw, int kh,
      double sigma_x, double sigma_y);

/* Gaussian with a cost independent of sigma, never above the exact one's:
 * short windows (OpenCV's 3-sigma windows adding up to at most 86 taps, or
 * 320 when an axis is below sigma 4) run vfk_gauss_exact, which costs
 * less there; from sigma 4 on both axes a grid (vfk-grid.c); otherwise
 * Deriche's recursive approximation.
 * Honours every border policy.  PSNR >= 50 dB against a float64 Gaussian
 * of the same sigma. */
  int vfk_gauss_fast (VfkPool * pool, const VfkImage * src, VfkImage * dst,
      int ox, int oy, VfkBorder border, uint8_t value, double sigma_x,
      double sigma_y);

/* ---- median (vfk-median.c) ----------------------------------------------- */

/* Largest median window side (histogram counts are 16-bit). */
#define VFK_MEDIAN_MAX 255

/* Exact median of the odd kw x kh window (the element of rank
 * (kw*kh-1)/2); 3x3 shares column sorts, 5x5-11x11 use sorting networks,
 * the rest histograms. */
  int vfk_median (VfkPool * pool, const VfkImage * src, VfkImage * dst,
      int ox, int oy, VfkBorder border, uint8_t value, int kw, int kh);
/* The histogram path for any size, for tests comparing the two. */
  int vfk_median_histogram (VfkPool * pool, const VfkImage * src,
      VfkImage * dst, int ox, int oy, VfkBorder border, uint8_t value, int kw,
      int kh);

/* ---- bilateral (vfk-bilateral.c) ------------------------------------------ */

#define VFK_BILATERAL_MAX_RADIUS 127

/* OpenCV's radius rule: diameter <= 0 -> round(1.5 sigma_space); >= 1. */
  int vfk_bilateral_radius (int diameter, double sigma_space);

/* The weight tables of one parameter set (made once, not per frame). */
  typedef struct VfkBilateral VfkBilateral;
  VfkBilateral *vfk_bilateral_new (int diameter, double sigma_color,
      double sigma_space);
  void vfk_bilateral_free (VfkBilateral * b);
  int vfk_bilateral_get_radius (const VfkBilateral * b);

/* cv2.bilateralFilter semantics; the colour distance sums the channels in
 * dist_mask (bit c = channel c), every channel is filtered.  With a guide
 * (same width and height as src, 1 or 2 channels in src; e.g. a view of the
 * luma plane subsampled to a chroma plane), the distance is that of the
 * guide's first channel instead. */
  int vfk_bilateral_exact (VfkPool * pool, const VfkImage * src,
      const VfkImage * guide, VfkImage * dst, int ox, int oy, VfkBorder border,
      uint8_t value, unsigned dist_mask, const VfkBilateral * b);

/* The same filter with a cost per pixel that does not grow with the
 * diameter (vfk-grid.c): range-binned on a subsampled grid, the
 * range value being the dist_mask channel or their sum (or the guide);
 * with three of them, their sum and the difference of the last and the
 * first (two range axes); the space weights a Gaussian of the window's
 * spread.  An approximation: PSNR >= 40 dB against vfk_bilateral_exact on
 * camera pictures (colour ones included).  Windows
 * of radius <= 4 (diameter <= 9) cost less exactly: they run exact.  In a
 * 4-channel frame whose dist_mask leaves one channel out (alpha, padding),
 * that channel is copied, not filtered (the elements pass it through). */
#define VFK_BILATERAL_FAST_MIN_RADIUS 4 /* up to here: exact (cheaper) */
  int vfk_bilateral_fast (VfkPool * pool, const VfkImage * src,
      const VfkImage * guide, VfkImage * dst, int ox, int oy, VfkBorder border,
      uint8_t value, unsigned dist_mask, const VfkBilateral * b);

/* The bilateral with the distance of the luma instead of the channel sum
 * (what YUV frames get, their luma plane guiding the chroma): src is 3 or
 * 4 channels with R, G, B at rgb[0..2]; its luma is made once per frame
 * (shared scratch of the pool) and guides vfk_bilateral_fast (fast != 0)
 * or vfk_bilateral_exact.  sigma_color is then in luma levels: a grey step
 * of d is d, where the channel sum counts it three times. */
  int vfk_bilateral_luma (VfkPool * pool, const VfkImage * src,
      VfkImage * dst, int ox, int oy, VfkBorder border, uint8_t value,
      unsigned dist_mask, const int rgb[3], int fast, const VfkBilateral * b);

/* ---- non-local means (vfk-nlmeans.c) --------------------------------------- */

#define VFK_NLMEANS_MAX_PATCH 35
#define VFK_NLMEANS_MAX_SEARCH 71

/* The weights of one parameter set: strength h (> 0; used as a float, as
 * OpenCV's), odd patch and search sizes, the number of channels the
 * distance sums.  NULL when a value is out of range or out of memory. */
  typedef struct VfkNlmeans VfkNlmeans;
  VfkNlmeans *vfk_nlmeans_new (float h, int patch, int search, int channels);
  void vfk_nlmeans_free (VfkNlmeans * n);

/* cv2.fastNlMeansDenoising's 8-bit arithmetic (the formulas at the top of
 * vfk-nlmeans.c) on the channels in mask (as many as the table was made
 * for): one weight per pixel from their summed squared differences, each
 * of them averaged; the other channels of dst are not written.  With
 * VFK_BORDER_REFLECT the bytes are OpenCV's.  -1 when mask does not match
 * the table or memory is short. */
  int vfk_nlmeans (VfkPool * pool, const VfkImage * src, VfkImage * dst,
      int ox, int oy, VfkBorder border, uint8_t value, unsigned mask,
      const VfkNlmeans * n);

/* ---- temporal denoiser (vfk-temporal.c) ----------------------------------- */

/* A causal, motion-adaptive recursive filter: each output depends on this
 * frame and the plane's history only (zero frames of latency).  The
 * arithmetic is integer and is spelled out at the top of vfk-temporal.c. */
  typedef struct
  {
    double strength;            /* >= 0: a still sample is averaged over
                                 * about 1 + strength frames; 0 = off */
    double spatial;             /* >= 0: moving samples are smoothed by a
                                 * 3x3 binomial limited to spatial * noise
                                 * / sqrt 2 levels; 0 = not */
    double noise;               /* > 0: the noise sigma in levels; 0 =
                                 * estimated from every frame */
  } VfkTemporalParams;

/* The history of one plane (one per plane of a stream). */
  typedef struct VfkTemporal VfkTemporal;
  VfkTemporal *vfk_temporal_new (void);
  void vfk_temporal_free (VfkTemporal * t);
/* Forget the history: the next frame passes through and starts a new one. */
  void vfk_temporal_reset (VfkTemporal * t);
/* The current noise estimate in 1/16 levels (0 before the second frame). */
  int vfk_temporal_sigma16 (const VfkTemporal * t);

/* Filters src (same size as dst) into dst and advances t.  The 3x3
 * neighbourhood sees the border policy (VALID: as REPLICATE; the output
 * keeps the input's size).  Every channel is filtered; only those in
 * color_mask count in the noise estimate.  0, or -1 without memory. */
  int vfk_temporal (VfkPool * pool, VfkTemporal * t, const VfkImage * src,
      VfkImage * dst, VfkBorder border, uint8_t value, unsigned color_mask,
      const VfkTemporalParams * params);

/* Copies channel `channel` of dst's pixels from the source pixel each output
 * pixel is centred on (alpha and padding bytes pass through unfiltered). */
  void vfk_copy_channel (const VfkImage * src, VfkImage * dst, int ox, int oy,
      int channel);

/* The luma of a packed RGB-like frame whose R, G and B are channels
 * rgb[0..2]: (77 R + 150 G + 29 B + 128) >> 8 (BT.601 weights), into the
 * 1-channel dst of the same size (vfk-layout.c). */
  void vfk_luma (const VfkImage * src, const int rgb[3], VfkImage * dst);

/* ---- packed 4:2:2 (vfk-layout.c) ------------------------------------------ */

/* YUY2, UYVY and YVYU: rows of 4-byte macropixels with two luma samples
 * (at offsets[0] and offsets[0] + 2) and one of each chroma (offsets[1],
 * offsets[2]).  planes[0] is the luma, width x height; planes[1] and
 * planes[2] the chromas, (width + 1) / 2 x height; one channel each.  For
 * an odd width the last macropixel's second luma is padding (written as a
 * copy of the first). */
/* Lays out three such planes for a width x height frame from mem (NULL:
 * only sizes them, data NULL); returns the bytes they take. */
  size_t vfk_planes_422 (uint8_t * mem, int width, int height,
      VfkImage planes[3]);
/* Splits a frame into such planes, and merges them back, in bands of rows
 * on the pool (NULL: on the calling thread). */
  void vfk_unpack_422 (VfkPool * pool, const uint8_t * src, ptrdiff_t stride,
      int width, int height, const int offsets[3], const VfkImage planes[3]);
  void vfk_pack_422 (VfkPool * pool, const VfkImage planes[3],
      const int offsets[3], uint8_t * dst, ptrdiff_t stride, int width,
      int height);

#ifdef __cplusplus
}
#endif
#endif                          /* VFK_H */
