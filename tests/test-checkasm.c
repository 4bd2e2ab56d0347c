/* checkasm, as FFmpeg's tests/checkasm: every entry of every dispatch table
 * of the kernel library (vfk-dsp.h), at every CPU level this machine has,
 * against the C entry, on random data, odd lengths and unaligned starts.
 * Row primitives are called directly (checkasm-rows.c); entries that need a kernel's job
 * (band functions, grid and bilateral rows) are reached through their
 * kernel with the CPU flags forced (vfk_cpu_set_flags), which runs exactly
 * one table's entries.
 *
 * The static assertions count each table's entries: a new entry (a new
 * variant) does not build until a check for it is written here.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
#include <stdlib.h>

#include "checkasm.h"

/* the entries, with where they are checked (VfkRowDsp: checkasm-rows.c) */
CHECKED (VfkBoxDsp, 5);         /* test_box_entries: directly */
CHECKED (VfkLinearDsp, 3);      /* test_linear_entries: directly */
CHECKED (VfkMedianDsp, 6);      /* test_median_entries: row3x3, net[4]
                                 * directly; hist_band through vfk_median */
CHECKED (VfkGaussFastDsp, 2);   /* test_kernels_per_level: vfk_gauss_fast */
CHECKED (VfkGridDsp, 11);       /* test_kernels_per_level: splat, smooth,
                                 * expand_plain, slice_plain by vfk_gauss_fast
                                 * (sigma 12 x 8),
                                 * splat, smooth, slice by vfk_bilateral_fast,
                                 * 1-4 channels each */
CHECKED (VfkTemporalDsp, 2);    /* test_temporal_entries: directly */
CHECKED (VfkLayoutDsp, 3);      /* test_layout_entries: directly */
CHECKED (VfkNlmeansDsp, 2);     /* test_kernels_per_level: vfk_nlmeans
                                 * (offsets, finish), 1-4 channels, 1-3
                                 * weighted; weight tables in registers,
                                 * 16-bit, gathered; 16-bit weights */
CHECKED (VfkBilateralDsp, 1);   /* test_kernels_per_level: vfk_bilateral_exact
                                 * (the pair sweep), 1-4, guided or not */

/* ---- box and linear ------------------------------------------------------- */

START_TEST (test_box_entries)
{
  unsigned levels[2];
  int nl = variant_levels (levels);
  VfkBoxDsp ref, v;

  vfk_box_dsp_init (&ref, 0);
  for (int l = 0; l < nl; l++) {
    vfk_box_dsp_init (&v, levels[l]);
    for (unsigned li = 0; li < sizeof lengths / sizeof *lengths; li++)
      for (int off = 0; off <= OFF; off++) {
        const int n = lengths[li];
        /* both arithmetic paths: float below 8192, double above */
        const uint32_t areas[] = { 1, 2, 9, 255, 256, 8192, 8193, 1046529 };
        uint32_t hi[MAXN + OFF], lo[MAXN + OFF], ca[MAXN + OFF], cb[MAXN + OFF];
        uint32_t cs[MAXN + OFF];
        uint16_t da[MAXN + OFF], db[MAXN + OFF], ds[MAXN + OFF];        /* 257 rows */
        uint8_t oa[MAXN + OFF], ob[MAXN + OFF], in[MAXN + OFF], out[MAXN + OFF];
        for (unsigned a = 0; a < sizeof areas / sizeof *areas; a++) {
          for (int i = 0; i < MAXN + OFF; i++) {
            lo[i] = rnd (1 << 20);
            hi[i] = lo[i] + (uint32_t) ((double) rnd (256) * areas[a]);
          }
          memset (oa, 0, sizeof oa);
          memset (ob, 0, sizeof ob);
          ref.output_half_up (oa + off, hi + off, lo + off, n, areas[a]);
          v.output_half_up (ob + off, hi + off, lo + off, n, areas[a]);
          ck_assert_msg (!memcmp (oa, ob, sizeof oa), "output_half_up %s "
              "n=%d area=%u off=%d", level_name (levels[l]), n, areas[a], off);
          /* OpenCV's rounding: fixed point up to 256, float above (and
           * the row tails: n % 16, n % 8) */
          const VfkBoxCvRound cv = {.fixed = areas[a] <= 256,
            .dd = areas[a] / 2,.ds = (1u << 23) / areas[a] + 1,
            .sf = 1.0f / (float) areas[a],.sd = 1.0 / areas[a]
          };
          memset (oa, 0, sizeof oa);
          memset (ob, 0, sizeof ob);
          ref.output_opencv (oa + off, hi + off, lo + off, n, &cv);
          v.output_opencv (ob + off, hi + off, lo + off, n, &cv);
          ck_assert_msg (!memcmp (oa, ob, sizeof oa), "output_opencv %s "
              "n=%d area=%u off=%d", level_name (levels[l]), n, areas[a], off);
        }
        fill_u8 (in, MAXN + OFF);
        fill_u8 (out, MAXN + OFF);
        for (int i = 0; i < MAXN + OFF; i++) {
          ca[i] = cb[i] = 255 * 40 + rnd (1000);
          cs[i] = 255 * 40 + rnd (1000);
          ds[i] = (uint16_t) (i % 2 ? 255 + rnd (1000) : 65280 - rnd (1000));
          da[i] = db[i] = (uint16_t) rnd (65536);
        }
        ref.col_update (ca + off, cs + off, in + off, out + off, n);
        v.col_update (cb + off, cs + off, in + off, out + off, n);
        ck_assert_msg (!memcmp (ca, cb, sizeof ca), "col_update %s n=%d "
            "off=%d", level_name (levels[l]), n, off);
        ref.col_update16 (da + off, ds + off, in + off, out + off, n);
        v.col_update16 (db + off, ds + off, in + off, out + off, n);
        ck_assert_msg (!memcmp (da, db, sizeof da), "col_update16 %s n=%d "
            "off=%d", level_name (levels[l]), n, off);
        /* windows of kw columns of kh rows: sums up to 255 kw kh, the
         * largest a direct box takes (area * 255 < 2^16) */
        const int kws[][3] = { {1, 1, 1}, {3, 3, 3}, {5, 3, 4}, {9, 9, 3},
        {3, 85, 1}
        };
        for (unsigned k = 0; k < sizeof kws / sizeof *kws; k++) {
          const int kw = kws[k][0], kh = kws[k][1], cn = kws[k][2];
          uint16_t col[MAXN + OFF + 8 * 4];
          for (unsigned i = 0; i < sizeof col / sizeof *col; i++)
            col[i] = (uint16_t) (i % 5 ? rnd (255 * kh + 1) : 255 * kh);
          memset (oa, 0, sizeof oa);
          memset (ob, 0, sizeof ob);
          ref.hsum_half_up16 (oa + off, col + off, kw, cn, n,
              (uint32_t) (kw * kh));
          v.hsum_half_up16 (ob + off, col + off, kw, cn, n,
              (uint32_t) (kw * kh));
          ck_assert_msg (!memcmp (oa, ob, sizeof oa), "hsum_half_up16 %s n=%d "
              "kw=%d kh=%d cn=%d off=%d", level_name (levels[l]), n, kw, kh,
              cn, off);
        }
      }
  }
}

END_TEST;

START_TEST (test_linear_entries)
{
  unsigned levels[2];
  int nl = variant_levels (levels);
  VfkLinearDsp ref, v;
  const VfkRound rounds[] = {
    {VFK_ROUND_SHIFT, 8, 128, 0, 0, 0},
    {VFK_ROUND_SHIFT, 3, (int64_t) 1 << 40, 0, 0, 0},
    {VFK_ROUND_DIV, 0, 7, 14, 0, 0},
    {VFK_ROUND_FLOAT, 0, 0, 0, 9.5, 0.5},
  };

  vfk_linear_dsp_init (&ref, 0);
  for (int l = 0; l < nl; l++) {
    const char *lv = level_name (levels[l]);
    vfk_linear_dsp_init (&v, levels[l]);
    for (unsigned li = 0; li < sizeof lengths / sizeof *lengths; li++)
      for (int off = 0; off <= OFF; off++)
        for (unsigned ri = 0; ri < sizeof rounds / sizeof *rounds; ri++) {
          const int n = lengths[li];
          int32_t acc[MAXN + OFF];
          float facc[MAXN + OFF], fa[MAXN + OFF], fb[MAXN + OFF];
          uint8_t oa[MAXN + OFF], ob[MAXN + OFF];
          for (int i = 0; i < MAXN + OFF; i++) {
            acc[i] = rnd (1 << 16) - (1 << 12);
            facc[i] = (float) (rnd (6000) - 500) / 3.0f;
            fa[i] = fb[i] = (float) (rnd (5000) - 300);
          }
          memset (oa, 0, sizeof oa);
          memset (ob, 0, sizeof ob);
          ref.finish_i32 (oa + off, acc + off, n, &rounds[ri]);
          v.finish_i32 (ob + off, acc + off, n, &rounds[ri]);
          ck_assert_msg (!memcmp (oa, ob, sizeof oa), "finish_i32 %s n=%d "
              "round %u off=%d", lv, n, ri, off);
          ref.finish_exact (oa + off, fa + off, n, &rounds[ri]);
          v.finish_exact (ob + off, fb + off, n, &rounds[ri]);
          ck_assert_msg (!memcmp (oa, ob, sizeof oa), "finish_exact %s "
              "n=%d round %u off=%d", lv, n, ri, off);
          if (rounds[ri].kind == VFK_ROUND_FLOAT) {
            ref.finish_f32 (oa + off, facc + off, n, &rounds[ri]);
            v.finish_f32 (ob + off, facc + off, n, &rounds[ri]);
            ck_assert_msg (!memcmp (oa, ob, sizeof oa), "finish_f32 %s "
                "n=%d off=%d", lv, n, off);
          }
        }
  }
}

END_TEST;

/* ---- median ------------------------------------------------------------------ */

START_TEST (test_median_entries)
{
  unsigned levels[2];
  int nl = variant_levels (levels);
  VfkMedianDsp ref, v;

  vfk_median_dsp_init (&ref, 0);
  for (int l = 0; l < nl; l++) {
    const char *lv = level_name (levels[l]);
    vfk_median_dsp_init (&v, levels[l]);
    for (unsigned li = 0; li < sizeof lengths / sizeof *lengths; li++)
      for (int off = 0; off <= OFF; off++)
        for (int cn = 1; cn <= 4; cn++) {
          const int n = lengths[li] * cn;
          static uint8_t rows[11][(MAXN + 16) * 4];
          const uint8_t *r[11];
          uint8_t oa[MAXN * 4 + OFF], ob[MAXN * 4 + OFF];
          uint8_t lo[(MAXN + 4) * 4], mid[(MAXN + 4) * 4], hi[(MAXN + 4) * 4];
          for (int j = 0; j < 11; j++) {
            fill_u8 (rows[j], sizeof rows[j]);
            r[j] = rows[j] + off;
          }
          memset (oa, 0, sizeof oa);
          memset (ob, 0, sizeof ob);
          ref.row3x3 (oa + off, r[0], r[1], r[2], lo, mid, hi, cn, n);
          v.row3x3 (ob + off, r[0], r[1], r[2], lo, mid, hi, cn, n);
          ck_assert_msg (!memcmp (oa, ob, sizeof oa), "row3x3 %s n=%d cn=%d "
              "off=%d", lv, n, cn, off);
          for (int k = 0; k < 4; k++) {
            ref.net[k] (oa + off, r, cn, n);
            v.net[k] (ob + off, r, cn, n);
            ck_assert_msg (!memcmp (oa, ob, sizeof oa), "net[%d] (%dx%d) %s "
                "n=%d cn=%d off=%d", k, 5 + 2 * k, 5 + 2 * k, lv, n, cn, off);
          }
        }
  }
}

END_TEST;

/* ---- whole kernels per level: the entries a job needs ------------------------ */

typedef struct
{
  uint8_t *mem;
  VfkImage img;
} Frame;

/* A w x h frame of cn channels whose rows start unaligned (off bytes into
 * the buffer) and are `pad` bytes longer than needed. */
static void
frame_new (Frame * f, int w, int h, int cn, int off, int pad)
{
  f->img.width = w;
  f->img.height = h;
  f->img.channels = cn;
  f->img.stride = w * cn + pad;
  f->mem = malloc ((size_t) f->img.stride * h + off + 1);
  f->img.data = f->mem + off;
}

/* out under flags equals out under C, within tol */
static void
compare_levels (const char *what, Frame * in, Frame * guide, int (*run) (Frame
        *, Frame *, Frame *, int), int arg, int tol)
{
  unsigned levels[2];
  int nl = variant_levels (levels);
  Frame a, b;

  frame_new (&a, in->img.width, in->img.height, in->img.channels, 1, 3);
  frame_new (&b, in->img.width, in->img.height, in->img.channels, 2, 5);
  vfk_cpu_set_flags (0);
  ck_assert_int_eq (run (in, guide, &a, arg), 0);
  for (int l = 0; l < nl; l++) {
    vfk_cpu_set_flags (levels[l]);
    ck_assert_int_eq (run (in, guide, &b, arg), 0);
    for (int y = 0; y < a.img.height; y++)
      for (int x = 0; x < a.img.width * a.img.channels; x++) {
        int va = a.img.data[y * a.img.stride + x];
        int vb = b.img.data[y * b.img.stride + x];
        ck_assert_msg (abs (va - vb) <= tol, "%s (%d) on %dx%d cn=%d: %s "
            "gives %d at (%d, %d), C gives %d", what, arg, a.img.width,
            a.img.height, a.img.channels, level_name (levels[l]), vb,
            x / a.img.channels, y, va);
      }
  }
  vfk_cpu_set_flags (vfk_cpu_detect ());
  free (a.mem);
  free (b.mem);
}

static int
run_gauss_fast (Frame * in, Frame * guide, Frame * out, int sigma)
{
  return vfk_gauss_fast (NULL, &in->img, &out->img, 0, 0, VFK_BORDER_REFLECT,
      0, sigma / 2.0, sigma / 3.0);
}

/* sigmas whose exact windows are too long (7 + 361 taps, more than 320)
 * and not both on the grid: the recursion's own entries */
static int
run_gauss_deriche (Frame * in, Frame * guide, Frame * out, int unused)
{
  return vfk_gauss_fast (NULL, &in->img, &out->img, 0, 0, VFK_BORDER_REFLECT,
      0, 1.0, 60.0);
}

static int
run_median_hist (Frame * in, Frame * guide, Frame * out, int k)
{
  return vfk_median (NULL, &in->img, &out->img, 0, 0, VFK_BORDER_REPLICATE,
      0, k, k + 2);
}

static VfkBilateral *bilateral;

static int
run_bilateral_exact (Frame * in, Frame * guide, Frame * out, int mask)
{
  return vfk_bilateral_exact (NULL, &in->img, guide ? &guide->img : NULL,
      &out->img, 0, 0, VFK_BORDER_SYMMETRIC, 0, mask, bilateral);
}

static int
run_bilateral_fast (Frame * in, Frame * guide, Frame * out, int mask)
{
  return vfk_bilateral_fast (NULL, &in->img, guide ? &guide->img : NULL,
      &out->img, 0, 0, VFK_BORDER_WRAP, 0, mask, bilateral);
}

static VfkNlmeans *nlmeans[4], *nlmeans_small, *nlmeans_mid, *nlmeans_narrow;

static int
run_nlmeans (Frame * in, Frame * guide, Frame * out, int mask)
{
  int nm = __builtin_popcount ((unsigned) mask);
  /* the channels not in mask are not written: the same bytes in both */
  for (int y = 0; y < in->img.height; y++)
    memcpy (out->img.data + y * out->img.stride,
        in->img.data + y * in->img.stride,
        (size_t) in->img.width * in->img.channels);
  return vfk_nlmeans (NULL, &in->img, &out->img, 0, 0, VFK_BORDER_SYMMETRIC,
      0, (unsigned) mask, nlmeans[nm - 1]);
}

/* h = 2, search 7: a table under 64 entries of over 17 bits (held in
 * 32-bit registers at AVX-512) */
static int
run_nlmeans_small (Frame * in, Frame * guide, Frame * out, int mask)
{
  return vfk_nlmeans (NULL, &in->img, &out->img, 0, 0, VFK_BORDER_REFLECT, 0,
      1, nlmeans_small);
}

/* h = 8, search 11: 17-bit weights in a 16-bit table of under 1024 */
static int
run_nlmeans_mid (Frame * in, Frame * guide, Frame * out, int mask)
{
  return vfk_nlmeans (NULL, &in->img, &out->img, 0, 0, VFK_BORDER_WRAP, 0, 1,
      nlmeans_mid);
}

/* h = 8, search 15: every weight within 16 bits (AVX-512 keeps
 * weight - 32768 in 16-bit lanes and multiplies them in pairs) */
static int
run_nlmeans_narrow (Frame * in, Frame * guide, Frame * out, int mask)
{
  return vfk_nlmeans (NULL, &in->img, &out->img, 0, 0, VFK_BORDER_SYMMETRIC,
      0, 1, nlmeans_narrow);
}

/* ---- temporal --------------------------------------------------------------- */

START_TEST (test_temporal_entries)
{
  unsigned levels[2];
  int nl = variant_levels (levels);
  VfkTemporalDsp ref, v;
  /* noise levels from the floor to the largest estimate, strengths 0-100,
   * spatial 0-8: every coefficient range */
  static const struct
  {
    int sigma16;
    double strength, spatial;
  } sets[] = { {8, 4, 1}, {40, 0, 0}, {160, 100, 8}, {3211, 4, 8},
  {17, 1.5, 2.5}
  };

  vfk_temporal_dsp_init (&ref, 0);
  for (int l = 0; l < nl; l++) {
    vfk_temporal_dsp_init (&v, levels[l]);
    for (unsigned li = 0; li < sizeof lengths / sizeof *lengths; li++)
      for (int cn = 1; cn <= 4; cn++)
        for (int off = 0; off <= OFF; off++) {
          const int n = (lengths[li] / cn > 0 ? lengths[li] / cn : 1) * cn;
          uint8_t x[MAXN + 2 * 4 + OFF], oa[MAXN + OFF], ob[MAXN + OFF];
          uint16_t p[MAXN + 2 * 4 + OFF], pa[MAXN + OFF], pb[MAXN + OFF];
          uint16_t hs[2][3][MAXN + OFF], hb[2][3][MAXN + OFF];
          uint16_t ad[2][MAXN + 2 * 4 + OFF], xw[2][MAXN + 2 * 4 + OFF];
          const uint16_t *rs[2][3], *rb[2][3];
          for (int r = 0; r < 3; r++) {
            fill_u8 (x, MAXN + 2 * 4 + OFF);
            for (int i = 0; i < MAXN + 2 * 4 + OFF; i++)
              p[i] = (uint16_t) rnd (4081);
            for (int i = 0; i < cn; i++) {      /* the caller's edges */
              ad[0][off + i] = ad[1][off + i] = (uint16_t) rnd (4081);
              ad[0][off + n + cn + i] = ad[1][off + n + cn + i] =
                  (uint16_t) rnd (4081);
              xw[0][off + i] = xw[1][off + i] = (uint16_t) rnd (256);
              xw[0][off + n + cn + i] = xw[1][off + n + cn + i] =
                  (uint16_t) rnd (256);
            }
            ref.prep (hs[0][r] + off, hb[0][r] + off, ad[0] + off, xw[0] + off,
                x + off, p + off, n, cn);
            v.prep (hs[1][r] + off, hb[1][r] + off, ad[1] + off, xw[1] + off,
                x + off, p + off, n, cn);
            ck_assert_msg (!memcmp (hs[0][r] + off, hs[1][r] + off, 2 * n)
                && !memcmp (hb[0][r] + off, hb[1][r] + off, 2 * n),
                "temporal prep %s n=%d cn=%d off=%d", level_name (levels[l]),
                n, cn, off);
            rs[0][r] = hs[0][r] + off;
            rb[0][r] = hb[0][r] + off;
          }
          for (unsigned k = 0; k < sizeof sets / sizeof *sets; k++) {
            VfkTemporalCoef c;
            vfk_temporal_coef (&c, sets[k].sigma16, sets[k].strength,
                sets[k].spatial);
            fill_u8 (x, MAXN + OFF);
            for (int i = 0; i < MAXN + OFF; i++)
              p[i] = (uint16_t) rnd (4081);
            ref.row (pa + off, oa + off, p + off, x + off, rs[0], rb[0], n, &c);
            v.row (pb + off, ob + off, p + off, x + off, rs[0], rb[0], n, &c);
            ck_assert_msg (!memcmp (pa + off, pb + off, 2 * n)
                && !memcmp (oa + off, ob + off, n),
                "temporal row %s n=%d cn=%d off=%d set %u",
                level_name (levels[l]), n, cn, off, k);
          }
        }
  }
}

END_TEST;

/* ---- packed 4:2:2 and luma ----------------------------------------------- */

START_TEST (test_layout_entries)
{
  unsigned levels[2];
  int nl = variant_levels (levels);
  VfkLayoutDsp ref, v;
  /* YUY2, UYVY, YVYU */
  static const int fmts[][3] = { {0, 1, 3}, {1, 0, 2}, {0, 3, 1} };
  /* BGR, RGBA, ABGR-like orders of R, G, B */
  static const int rgbs[][4] = { {3, 2, 1, 0}, {4, 0, 1, 2}, {4, 3, 2, 1} };

  vfk_layout_dsp_init (&ref, 0);
  for (int l = 0; l < nl; l++) {
    vfk_layout_dsp_init (&v, levels[l]);
    for (unsigned li = 0; li < sizeof lengths / sizeof *lengths; li++)
      for (int off = 0; off <= OFF; off++) {
        const int n = lengths[li] / 2 + 1;      /* macropixels */
        uint8_t in[4 * MAXN + OFF], pa[4 * MAXN + OFF], pb[4 * MAXN + OFF];
        uint8_t y[2][2 * MAXN + OFF], u[2][MAXN + OFF], w[2][MAXN + OFF];
        for (unsigned f = 0; f < 3; f++) {
          fill_u8 (in, 4 * MAXN + OFF);
          memset (y, 0, sizeof y);
          memset (u, 0, sizeof u);
          memset (w, 0, sizeof w);
          ref.unpack_422 (y[0] + off, u[0] + off, w[0] + off, in + off, n,
              fmts[f]);
          v.unpack_422 (y[1] + off, u[1] + off, w[1] + off, in + off, n,
              fmts[f]);
          ck_assert_msg (!memcmp (y[0], y[1], sizeof y[0])
              && !memcmp (u[0], u[1], sizeof u[0])
              && !memcmp (w[0], w[1], sizeof w[0]), "unpack_422 %s n=%d "
              "off=%d format %u", level_name (levels[l]), n, off, f);
          /* and back: the bytes it came from */
          fill_u8 (pa, 4 * MAXN + OFF);
          memcpy (pb, pa, sizeof pa);
          ref.pack_422 (pa + off, y[0] + off, u[0] + off, w[0] + off, n,
              fmts[f]);
          v.pack_422 (pb + off, y[0] + off, u[0] + off, w[0] + off, n, fmts[f]);
          ck_assert_msg (!memcmp (pa, pb, sizeof pa)
              && !memcmp (pa + off, in + off, 4 * n), "pack_422 %s n=%d "
              "off=%d format %u", level_name (levels[l]), n, off, f);
        }
        for (unsigned k = 0; k < 3; k++) {
          const int cn = rgbs[k][0], m = lengths[li];
          fill_u8 (in, 4 * MAXN + OFF);
          memset (pa, 0, sizeof pa);
          memset (pb, 0, sizeof pb);
          ref.luma (pa + off, in + off, m, cn, rgbs[k] + 1);
          v.luma (pb + off, in + off, m, cn, rgbs[k] + 1);
          ck_assert_msg (!memcmp (pa, pb, sizeof pa), "luma %s n=%d off=%d "
              "cn=%d", level_name (levels[l]), m, off, cn);
        }
      }
  }
}

END_TEST;

START_TEST (test_kernels_per_level)
{
  static const int sizes[][2] = { {1, 1}, {3, 2}, {37, 29}, {131, 19} };

  bilateral = vfk_bilateral_new (13, 30, 5);
  for (int k = 0; k < 4; k++)
    nlmeans[k] = vfk_nlmeans_new (12.f, 5, 9, k + 1);
  nlmeans_small = vfk_nlmeans_new (2.f, 7, 7, 1);
  nlmeans_mid = vfk_nlmeans_new (8.f, 3, 11, 1);
  nlmeans_narrow = vfk_nlmeans_new (8.f, 5, 15, 1);
  for (unsigned z = 0; z < sizeof sizes / sizeof *sizes; z++)
    for (int cn = 1; cn <= 4; cn++) {
      const int w = sizes[z][0], h = sizes[z][1];
      Frame in, guide;
      frame_new (&in, w, h, cn, 1 + cn % 3, 7);
      frame_new (&guide, w, h, 2, 3, 1);
      for (int y = 0; y < h; y++) {
        fill_u8 (in.img.data + y * in.img.stride, w * cn);
        fill_u8 (guide.img.data + y * guide.img.stride, w * 2);
      }
      /* row_band, col_band (Deriche), then the grid's plain entries */
      compare_levels ("gauss_fast (Deriche)", &in, NULL, run_gauss_deriche, 0,
          0);
      compare_levels ("gauss_fast (grid)", &in, NULL, run_gauss_fast, 24, 0);
      compare_levels ("median hist_band", &in, NULL, run_median_hist, 13, 0);
      /* the bilateral: one pair sweep at every level, fused multiply-adds
       * at AVX2 and AVX-512 only (the C level is built without
       * contraction): within 1 */
      compare_levels ("bilateral_exact", &in, NULL, run_bilateral_exact,
          (1 << cn) - 1, 1);
      compare_levels ("bilateral_fast (grid)", &in, NULL, run_bilateral_fast,
          (1 << cn) - 1, 0);
      compare_levels ("nlmeans", &in, NULL, run_nlmeans, (1 << cn) - 1, 0);
      if (cn > 1)
        compare_levels ("nlmeans one channel", &in, NULL, run_nlmeans, 2, 0);
      else {
        /* small tables weigh only near-identical patches: a frame of
         * low noise, or every output is its input whatever the weights */
        Frame calm;
        frame_new (&calm, w, h, 1, 3, 5);
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++)
            calm.img.data[y * calm.img.stride + x] = (uint8_t) (120 + rnd (7));
        compare_levels ("nlmeans small table", &calm, NULL,
            run_nlmeans_small, 1, 0);
        compare_levels ("nlmeans 16-bit table", &calm, NULL, run_nlmeans_mid,
            1, 0);
        compare_levels ("nlmeans 16-bit weights", &calm, NULL,
            run_nlmeans_narrow, 1, 0);
        compare_levels ("nlmeans 16-bit weights, noise", &in, NULL,
            run_nlmeans_narrow, 1, 0);
        free (calm.mem);
      }
      compare_levels ("bilateral_exact guided", &in, &guide,
          run_bilateral_exact, 1, 1);
      compare_levels ("bilateral_fast guided (grid)", &in, &guide,
          run_bilateral_fast, (1 << cn) - 1, 0);
      if (cn == 4) {
        /* the fourth channel out of the distance: copied, 4 floats a bin */
        compare_levels ("bilateral_fast 3 of 4 (grid)", &in, NULL,
            run_bilateral_fast, 7, 0);
        compare_levels ("bilateral_fast 3 of 4 guided (grid)", &in, &guide,
            run_bilateral_fast, 14, 0);
      }
      free (in.mem);
      free (guide.mem);
    }
  vfk_bilateral_free (bilateral);
  for (int k = 0; k < 4; k++)
    vfk_nlmeans_free (nlmeans[k]);
  vfk_nlmeans_free (nlmeans_small);
  vfk_nlmeans_free (nlmeans_mid);
  vfk_nlmeans_free (nlmeans_narrow);
}

END_TEST;

/* VFK_CPU=c reaches the C entries, whatever the CPU has */
START_TEST (test_vfk_cpu_c_reaches_every_variant)
{
  unsigned before = vfk_cpu_set_flags (0);
  ck_assert_uint_eq (vfk_cpu_flags (), 0);
  vfk_cpu_set_flags (VFK_CPU_AVX512);   /* never without AVX2 */
  ck_assert_uint_eq (vfk_cpu_flags (), 0);
  vfk_cpu_set_flags (before);
}

END_TEST;

static Suite *
checkasm_suite (void)
{
  Suite *s = suite_create ("checkasm");
  TCase *tc = tcase_create ("variants");

  tcase_set_timeout (tc, 300);
  checkasm_add_row_tests (tc);
  tcase_add_test (tc, test_box_entries);
  tcase_add_test (tc, test_linear_entries);
  tcase_add_test (tc, test_median_entries);
  tcase_add_test (tc, test_temporal_entries);
  tcase_add_test (tc, test_layout_entries);
  tcase_add_test (tc, test_kernels_per_level);
  tcase_add_test (tc, test_vfk_cpu_c_reaches_every_variant);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (checkasm_suite ());
  int failed;
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? 1 : 0;
}
