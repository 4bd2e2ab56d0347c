/* The non-linear kernels: the median against sorted windows, the fast
 * bilateral against flat frames, edges and the exact filter.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref.h"
#include "vfk.h"

static uint32_t rng_state = 54321;

static int
rnd (int n)
{
  rng_state = rng_state * 1103515245u + 12345u;
  return (int) ((rng_state >> 8) % (uint32_t) n);
}

/* ---- median ------------------------------------------------------------------ */

static int
cmp_u8 (const void *a, const void *b)
{
  return *(const uint8_t *) a - *(const uint8_t *) b;
}

static void
fill_kind (uint8_t * p, int n, int kind)
{
  for (int i = 0; i < n; i++) {
    if (kind == 0)
      p[i] = 77;                /* constant */
    else if (kind == 1)
      p[i] = rnd (10) == 0 ? 0 : rnd (10) == 0 ? 255 : 128 + rnd (9);
    else
      p[i] = (uint8_t) rnd (256);
  }
}

static void
check_median (int W, int H, int cn, int kw, int kh, VfkBorder border,
    int kind, int histogram)
{
  uint8_t *in = malloc (W * H * cn), *out = malloc (W * H * cn);
  uint8_t *win = malloc ((size_t) kw * kh);
  VfkImage src = { in, W * cn, W, H, cn }, dst = { out, W * cn, W, H, cn };
  VfkPool *pool = vfk_pool_new (2);

  fill_kind (in, W * H * cn, kind);
  if (histogram)
    vfk_median_histogram (pool, &src, &dst, 0, 0, border, 9, kw, kh);
  else
    vfk_median (pool, &src, &dst, 0, 0, border, 9, kw, kh);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      for (int c = 0; c < cn; c++) {
        int n = 0;
        for (int j = 0; j < kh; j++)
          for (int i = 0; i < kw; i++) {
            int sy = ref_index (y + j - kh / 2, H, border);
            int sx = ref_index (x + i - kw / 2, W, border);
            win[n++] = (sy < 0 || sx < 0) ? 9 : in[(sy * W + sx) * cn + c];
          }
        qsort (win, n, 1, cmp_u8);
        ck_assert_msg (out[(y * W + x) * cn + c] == win[n / 2],
            "median %dx%d (%s) of a %dx%dx%d frame, border %d, image %d: "
            "pixel (%d,%d) ch %d is %d, sorting the window gives %d", kw, kh,
            histogram ? "histogram" : "auto", W, H, cn, border, kind, x, y,
            c, out[(y * W + x) * cn + c], win[n / 2]);
      }
  vfk_pool_free (pool);
  free (in);
  free (out);
  free (win);
}

START_TEST (test_median_equals_sorted_window)
{
  for (int trial = 0; trial < 60; trial++) {
    int kw = 1 + 2 * rnd (12), kh = 1 + 2 * rnd (12);
    check_median (1 + rnd (40), 1 + rnd (30), 1 + rnd (4), kw, kh,
        (VfkBorder) rnd (5), trial % 3, 0);
  }
  /* every border with the network, and both paths on the same data */
  for (int b = 0; b < 5; b++)
    for (int kind = 0; kind < 3; kind++) {
      check_median (37, 23, 3, 3, 3, b, kind, 0);
      check_median (37, 23, 3, 3, 3, b, kind, 1);
      check_median (21, 17, 1, 5, 5, b, kind, 0);
      /* the generated networks: 5x5 to 11x11, against sorting */
      for (int k = 7; k <= 11; k += 2) {
        check_median (23, 19, 3, k, k, b, kind, 0);
        check_median (11, 7, 2, k, k, b, kind, 0);
      }
    }
}

END_TEST;

START_TEST (test_median_window_larger_than_frame)
{
  /* up to 255x255 on frames far smaller than the window */
  check_median (7, 5, 1, 255, 255, VFK_BORDER_REFLECT, 2, 0);
  check_median (3, 4, 3, 101, 31, VFK_BORDER_SYMMETRIC, 1, 0);
  check_median (1, 1, 2, 99, 99, VFK_BORDER_CONSTANT, 2, 0);
  check_median (2, 9, 1, 255, 1, VFK_BORDER_WRAP, 2, 0);
  check_median (9, 2, 4, 1, 255, VFK_BORDER_REPLICATE, 1, 0);
}

END_TEST;

/* ---- bilateral mode=fast -------------------------------------------------- */

/* A flat frame stays flat, for every border (constant with the same fill),
 * frame sizes below one grid cell, any channel count and diameter. */
START_TEST (test_bilateral_fast_keeps_a_flat_frame)
{
  static const int sizes[][2] = { {1, 1}, {3, 2}, {17, 5}, {64, 40} };
  VfkPool *pool = vfk_pool_new (2);
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
    for (int cn = 1; cn <= 4; cn++)
      for (int d = 3; d <= 45; d += 21)
        for (int border = 0; border < 5; border++) {
          const int W = sizes[si][0], H = sizes[si][1];
          const size_t n = (size_t) W * H * cn;
          uint8_t *in = malloc (n), *out = malloc (n);
          VfkImage src = { in, W * cn, W, H, cn }, dst = { out, W * cn, W, H,
            cn
          };
          VfkBilateral *b = vfk_bilateral_new (d, 30, d / 3.0);
          memset (in, 137, n);
          memset (out, 0, n);
          vfk_bilateral_fast (pool, &src, NULL, &dst, 0, 0, border, 137,
              (1u << cn) - 1, b);
          for (size_t i = 0; i < n; i++)
            ck_assert_msg (out[i] == 137, "%dx%d cn %d d %d border %d: "
                "sample %zu is %d, not 137", W, H, cn, d, border, i, out[i]);
          vfk_bilateral_free (b);
          free (in);
          free (out);
        }
  vfk_pool_free (pool);
}

END_TEST;

/* Two flat regions far apart in value (sigma-color 10, a step of 150):
 * neither bleeds into the other, the edge stays where it is. */
START_TEST (test_bilateral_fast_keeps_edges)
{
  const int W = 203, H = 97;
  uint8_t *in = malloc (W * H * 3), *out = malloc (W * H * 3);
  VfkImage src = { in, W * 3, W, H, 3 }, dst = { out, W * 3, W, H, 3 };
  VfkPool *pool = vfk_pool_new (2);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      for (int c = 0; c < 3; c++)
        in[(y * W + x) * 3 + c] = (x - 2 * y / 3 < 80) ? 40 + c : 190 + c;
  for (int d = 9; d <= 45; d += 12) {
    VfkBilateral *b = vfk_bilateral_new (d, 10, 75);
    vfk_bilateral_fast (pool, &src, NULL, &dst, 0, 0, VFK_BORDER_REFLECT, 0,
        7, b);
    ck_assert_msg (memcmp (in, out, (size_t) W * H * 3) == 0,
        "d %d: the edge between 40 and 190 is not kept", d);
    vfk_bilateral_free (b);
  }
  vfk_pool_free (pool);
  free (in);
  free (out);
}

END_TEST;

/* Against the exact filter on a noisy shaded frame with edges (gray and
 * guided): PSNR >= 40 dB whatever the diameter; 1 and 4 threads give the
 * same bytes; diameter 9 and below is the exact filter itself. */
START_TEST (test_bilateral_fast_close_to_exact)
{
  const int W = 160, H = 120;
  uint8_t *in = malloc (W * H), *ex = malloc (W * H), *fa = malloc (W * H),
      *f4 = malloc (W * H);
  VfkImage src = { in, W, W, H, 1 }, de = { ex, W, W, H, 1 },
      df = { fa, W, W, H, 1 }, d4 = { f4, W, W, H, 1 };
  VfkPool *p1 = vfk_pool_new (1), *p4 = vfk_pool_new (4);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      int v = 40 + x / 2 + y / 3 + rnd (13) - 6;
      if ((x - 70) * (x - 70) + (y - 60) * (y - 60) < 900)
        v += 90;
      in[y * W + x] = (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
    }
  /* from 11 on: up to 9 the fast mode runs the exact filter */
  for (int d = 11; d <= 47; d += 9) {
    VfkBilateral *b = vfk_bilateral_new (d, 40, 75);
    double se = 0, psnr;
    vfk_bilateral_exact (p1, &src, NULL, &de, 0, 0, VFK_BORDER_REFLECT, 0,
        1, b);
    vfk_bilateral_fast (p1, &src, NULL, &df, 0, 0, VFK_BORDER_REFLECT, 0, 1, b);
    /* the frame as its own guide: the same result */
    vfk_bilateral_fast (p4, &src, &src, &d4, 0, 0, VFK_BORDER_REFLECT, 0, 1, b);
    ck_assert_mem_eq (fa, f4, (size_t) W * H);
    for (int i = 0; i < W * H; i++)
      se += (double) (ex[i] - fa[i]) * (ex[i] - fa[i]);
    psnr = 10 * log10 (255.0 * 255.0 / fmax (se / (W * H), 1e-12));
    printf ("# bilateral fast d=%d sigma-color 40 vs exact: PSNR %.1f dB\n",
        d, psnr);
    ck_assert_msg (psnr >= 40, "d %d: PSNR %.1f dB < 40", d, psnr);
    vfk_bilateral_free (b);
  }
  {
    VfkBilateral *b = vfk_bilateral_new (9, 40, 75);
    vfk_bilateral_exact (p1, &src, NULL, &de, 0, 0, VFK_BORDER_WRAP, 0, 1, b);
    vfk_bilateral_fast (p4, &src, NULL, &df, 0, 0, VFK_BORDER_WRAP, 0, 1, b);
    ck_assert_mem_eq (ex, fa, (size_t) W * H);
    vfk_bilateral_free (b);
  }
  vfk_pool_free (p1);
  vfk_pool_free (p4);
  free (in);
  free (ex);
  free (fa);
  free (f4);
}

END_TEST;

/* Four channels with one out of the distance (alpha or padding, at any
 * position): that one is copied, the other three get exactly what the
 * same three channels get as a 3-channel frame. */
START_TEST (test_bilateral_fast_copies_the_fourth_channel)
{
  const int W = 97, H = 61;
  uint8_t *in3 = malloc (W * H * 3), *out3 = malloc (W * H * 3);
  uint8_t *in4 = malloc (W * H * 4), *out4 = malloc (W * H * 4);
  VfkImage s3 = { in3, W * 3, W, H, 3 }, d3 = { out3, W * 3, W, H, 3 };
  VfkImage s4 = { in4, W * 4, W, H, 4 }, d4 = { out4, W * 4, W, H, 4 };
  VfkBilateral *b = vfk_bilateral_new (15, 30, 75);
  VfkPool *pool = vfk_pool_new (2);
  for (int i = 0; i < W * H * 3; i++)
    in3[i] = (uint8_t) (60 + (i / 3 % W) + rnd (40) + (i % 3) * 20);
  vfk_bilateral_fast (pool, &s3, NULL, &d3, 0, 0, VFK_BORDER_REFLECT, 0, 7, b);
  for (int skip = 0; skip < 4; skip++) {
    for (int i = 0; i < W * H; i++)
      for (int c = 0, k = 0; c < 4; c++)
        in4[i * 4 + c] = c == skip ? (uint8_t) rnd (256) : in3[i * 3 + k++];
    memset (out4, 0, (size_t) W * H * 4);
    vfk_bilateral_fast (pool, &s4, NULL, &d4, 0, 0, VFK_BORDER_REFLECT, 0,
        15u & ~(1u << skip), b);
    for (int i = 0; i < W * H; i++)
      for (int c = 0, k = 0; c < 4; c++)
        ck_assert_msg (out4[i * 4 + c] == (c == skip ? in4[i * 4 + c] :
                out3[i * 3 + k++]), "skip %d: pixel %d channel %d is %d",
            skip, i, c, out4[i * 4 + c]);
  }
  vfk_pool_free (pool);
  vfk_bilateral_free (b);
  free (in3);
  free (out3);
  free (in4);
  free (out4);
}

END_TEST;

/* mode=fast never the slower: where the exact window costs less (three
 * channels at diameter 11, sigma-space 3, sigma-color 30; at diameter
 * 15, 75 / 75: the colour grid's 14 x 10 bins on cells of 4 pixels, 18
 * ms exact against 40 at 720p) it runs exact, so the bytes are exact's;
 * where the grid costs less (one channel, the first set; three channels
 * at diameter 13 with the same sigmas: 11.9 ms against 14.3; at 35, or
 * 15 at sigma-color 20; and the denoising range's small sigma-colors,
 * where the colour grid's cells and bins grow: diameter 15 at 10, 7.9
 * ms against 22.9, diameter 11 at 15, 9.9 against 13.1) they are not. */
START_TEST (test_bilateral_fast_takes_the_cheaper_path)
{
  const int W = 120, H = 90;
  static const struct
  {
    int cn, d;
    double sc, ss;
    int exact, c_level;
  } cases[] = {
    {3, 11, 30, 3, 1}, {3, 13, 30, 3, 0}, {1, 11, 30, 3, 0},
    {3, 35, 75, 75, 0}, {3, 15, 20, 75, 0}, {3, 15, 75, 75, 1},
    {3, 15, 10, 75, 0}, {3, 11, 15, 75, 0},
    /* at the C level (non-x86 builds), where the exact window costs 3
     * times as much against the grid: 104 ms exact, 82 on the grid */
    {3, 15, 75, 75, 0, 1},
  };
  uint8_t *in = malloc (W * H * 3), *ex = malloc (W * H * 3),
      *fa = malloc (W * H * 3);
  for (int i = 0; i < W * H * 3; i++)
    in[i] = (uint8_t) (50 + (i / 3 % W) + rnd (60));
  for (unsigned k = 0; k < sizeof cases / sizeof *cases; k++) {
    const int cn = cases[k].cn;
    if (!cases[k].c_level && !(vfk_cpu_flags () & VFK_CPU_AVX2)) {
      /* the other sets' costs are those of the AVX2 and AVX-512 levels */
      printf ("diameter %d, sigma-color %g, sigma-space %g: not checked, "
          "this CPU level has no AVX2\n", cases[k].d, cases[k].sc, cases[k].ss);
      continue;
    }
    VfkImage src = { in, W * cn, W, H, cn }, de = { ex, W * cn, W, H, cn },
        df = { fa, W * cn, W, H, cn };
    VfkBilateral *b = vfk_bilateral_new (cases[k].d, cases[k].sc,
        cases[k].ss);
    const unsigned before = cases[k].c_level ? vfk_cpu_set_flags (0) :
        vfk_cpu_flags ();
    vfk_bilateral_exact (NULL, &src, NULL, &de, 0, 0, VFK_BORDER_REFLECT, 0,
        (1u << cn) - 1, b);
    vfk_bilateral_fast (NULL, &src, NULL, &df, 0, 0, VFK_BORDER_REFLECT, 0,
        (1u << cn) - 1, b);
    vfk_cpu_set_flags (before);
    ck_assert_msg ((memcmp (ex, fa, (size_t) W * H * cn) == 0) ==
        cases[k].exact, "%d channels, diameter %d, sigma-color %g, "
        "sigma-space %g%s: fast should run %s", cn, cases[k].d, cases[k].sc,
        cases[k].ss, cases[k].c_level ? " (C level)" : "",
        cases[k].exact ? "exact (cheaper)" : "the grid");
    vfk_bilateral_free (b);
  }
  free (in);
  free (ex);
  free (fa);
}

END_TEST;

static Suite *
nonlinear_suite (void)
{
  Suite *s = suite_create ("nonlinear");
  TCase *tc = tcase_create ("median");
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_median_equals_sorted_window);
  tcase_add_test (tc, test_median_window_larger_than_frame);
  suite_add_tcase (s, tc);

  tc = tcase_create ("bilateral-fast");
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_bilateral_fast_keeps_a_flat_frame);
  tcase_add_test (tc, test_bilateral_fast_keeps_edges);
  tcase_add_test (tc, test_bilateral_fast_close_to_exact);
  tcase_add_test (tc, test_bilateral_fast_copies_the_fourth_channel);
  tcase_add_test (tc, test_bilateral_fast_takes_the_cheaper_path);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (nonlinear_suite ());
  int failed;
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
