/* Unit tests of the kernel library against the seed notes and independent
 * brute-force references.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfk.h"

/* ---- the seed's boundary figures (5x5 image a..y, 5x5 mask) ------------- */

static const char *seed_zeros =
    "000000000" "000000000" "00abcde00" "00fghij00" "00klmno00"
    "00pqrst00" "00uvwxy00" "000000000" "000000000";
static const char *seed_replicate =
    "aaabcdeee" "aaabcdeee" "aaabcdeee" "fffghijjj" "kkklmnooo"
    "pppqrsttt" "uuuvwxyyy" "uuuvwxyyy" "uuuvwxyyy";
static const char *seed_reflect =
    "mlklmnonm" "hgfghijih" "cbabcdedc" "hgfghijih" "mlklmnonm"
    "rqpqrstsr" "wvuvwxyxw" "rqpqrstsr" "mlklmnonm";
/* SPEC: symmetric "b a | a b c d e | e d", wrap "d e | a b c d e | a b" */
static const char *seed_symmetric =
    "gffghijji" "baabcdeed" "baabcdeed" "gffghijji" "lkklmnoon"
    "qppqrstts" "vuuvwxyyx" "vuuvwxyyx" "qppqrstts";
static const char *seed_wrap =
    "stpqrstpq" "xyuvwxyuv" "deabcdeab" "ijfghijfg" "noklmnokl"
    "stpqrstpq" "xyuvwxyuv" "deabcdeab" "ijfghijfg";

static void
pad_letters (VfkBorder border, char *out)
{
  uint8_t img[25], row[9];
  for (int i = 0; i < 25; i++)
    img[i] = (uint8_t) ('a' + i);
  for (int y = -2; y < 7; y++) {
    int r = vfk_border_index (y, 5, border);
    if (r < 0)
      memset (row, '0', 9);
    else
      vfk_border_fill_row (row, img + 5 * r, 5, 1, -2, 9, border, '0');
    memcpy (out + 9 * (y + 2), row, 9);
  }
}

static void
check_figure (VfkBorder border, const char *expected)
{
  char got[82] = { 0 };
  pad_letters (border, got);
  for (int i = 0; i < 81; i++)
    ck_assert_msg (got[i] == expected[i],
        "border %d: row %d col %d is '%c', the figure says '%c'", border,
        i / 9, i % 9, got[i], expected[i]);
}

START_TEST (test_zero_border_matches_seed_figure)
{
  check_figure (VFK_BORDER_CONSTANT, seed_zeros);
}

END_TEST;

START_TEST (test_replicate_border_matches_seed_figure)
{
  check_figure (VFK_BORDER_REPLICATE, seed_replicate);
}

END_TEST;

START_TEST (test_reflect_border_matches_seed_figure)
{
  check_figure (VFK_BORDER_REFLECT, seed_reflect);
}

END_TEST;

START_TEST (test_symmetric_border_matches_spec_row)
{
  check_figure (VFK_BORDER_SYMMETRIC, seed_symmetric);
}

END_TEST;

START_TEST (test_wrap_border_matches_spec_row)
{
  check_figure (VFK_BORDER_WRAP, seed_wrap);
}

END_TEST;

#include "ref.h"
START_TEST (test_border_index_any_distance)
{
  /* kernels far larger than the frame: indices up to 10 frames away */
  for (int b = 0; b < 5; b++)
    for (int n = 1; n <= 7; n++)
      for (int p = -10 * n - 3; p < 11 * n + 3; p++)
        ck_assert_int_eq (vfk_border_index (p, n, b), ref_index (p, n, b));
}

END_TEST;

START_TEST (test_border_row_runs_are_the_padded_row)
{
  /* the three runs, read in order, are the padded row; the middle one
   * points into the frame whenever the row maps into it */
  uint8_t img[6 * 5 * 3], pad[40 * 3], dst[40 * 3];
  VfkImage src = { img, 6 * 3, 6, 5, 3 };
  for (int i = 0; i < (int) sizeof img; i++)
    img[i] = (uint8_t) (i * 7 + 1);
  for (int b = 0; b < 5; b++)
    for (int row = -7; row < 12; row++)
      for (int start = -9; start < 9; start++)
        for (int count = 1; count <= 40; count += 3) {
          VfkRowRuns r;
          size_t o = 0;
          vfk_border_pad_row (pad, &src, row, start, count, b, 9);
          vfk_border_row_runs (&r, dst, &src, row, start, count, b, 9);
          for (int k = 0; k < 3; k++) {
            ck_assert_mem_eq (r.p[k], pad + o, (size_t) r.n[k] * 3);
            o += (size_t) r.n[k] * 3;
          }
          ck_assert_uint_eq (o, (size_t) count * 3);
          if (r.n[1] && vfk_border_index (row, 5, b) >= 0)
            ck_assert (r.p[1] >= img && r.p[1] < img + sizeof img);
        }
}

END_TEST;

START_TEST (test_border_col_map_names_the_copied_column)
{
  /* each border column of the padded row equals, in every row, the
   * column the map names (or the fill value); the whole-row spans the
   * filters use (a margin narrower than the frame) always map */
  uint8_t img[6 * 5 * 2], pad[40 * 2];
  VfkImage src = { img, 6 * 2, 6, 5, 2 };
  int map[40];
  for (int i = 0; i < (int) sizeof img; i++)
    img[i] = (uint8_t) (i * 7 + 1);
  for (int b = 0; b < 5; b++)
    for (int start = -9; start < 9; start++)
      for (int count = 1; count <= 40; count += 3) {
        VfkRowRuns r;
        const int ok = vfk_border_col_map (map, 6, start, count, b);
        vfk_border_row_runs (&r, pad, &src, 0, start, count, b, 9);
        if (start <= 0 && start > -6 && start + count >= 6
            && start + count < 12)
          ck_assert_int_eq (ok, 1);
        if (!ok)
          continue;
        for (int row = -7; row < 12; row++) {
          vfk_border_pad_row (pad, &src, row, start, count, b, 9);
          for (int k = 0; k < r.n[0] + r.n[2]; k++) {
            const int at = k < r.n[0] ? k : r.n[1] + k;
            for (int c = 0; c < 2; c++)
              ck_assert_uint_eq (pad[at * 2 + c], map[k] < 0 ? 9
                  : pad[map[k] * 2 + c]);
            if (map[k] >= 0)
              ck_assert (map[k] >= r.n[0] && map[k] < r.n[0] + r.n[1]);
          }
        }
      }
}

END_TEST;

/* ---- the seed's worked 7x7 example ---------------------------------------- */

#include "seed.h"

START_TEST (test_seed_worked_example_valid)
{
  static const double M[9] = { 1, 0, 1, 0, 1, 0, 1, 0, 1 };
  const char *err = NULL;
  uint8_t in[49], out[25];
  VfkKernel *k = vfk_kernel_new (M, 3, 3, -1, -1, 1, 0, &err);
  VfkImage src = { in, 7, 7, 7, 1 }, dst = { out, 5, 5, 5, 1 };

  ck_assert_ptr_nonnull (k);
  ck_assert (k->is_int);
  memcpy (in, seed_I, 49);
  vfk_kernel_flip (k);          /* true convolution, as on the slide */
  vfk_filter2d (NULL, &src, &dst, k->ax, k->ay, VFK_BORDER_REPLICATE, 0, k);
  for (int i = 0; i < 25; i++)
    ck_assert_msg (out[i] == seed_IM[i], "I*M at (%d,%d) is %d, slide says %d",
        i % 5, i / 5, out[i], seed_IM[i]);
  vfk_kernel_free (k);
}

END_TEST;

START_TEST (test_seed_integer_gaussian_961)
{
  /* the seed's 1/961 [6 61 242 343 242 61 6] kernel: exact integer path,
   * rank 1 detected; a constant image stays constant */
  static const double g[7] = { 6, 61, 242, 343, 242, 61, 6 };
  double k2[49];
  const char *err = NULL;
  uint8_t in[20 * 20], out[20 * 20];
  VfkImage src = { in, 20, 20, 20, 1 }, dst = { out, 20, 20, 20, 1 };
  VfkKernel *k;

  for (int j = 0; j < 7; j++)
    for (int i = 0; i < 7; i++)
      k2[j * 7 + i] = g[j] * g[i];
  k = vfk_kernel_new (k2, 7, 7, -1, -1, 961.0 * 961.0, 0, &err);
  ck_assert_ptr_nonnull (k);
  ck_assert (k->is_int);
  ck_assert (k->separable);
  for (int v = 0; v < 256; v += 51) {
    memset (in, v, sizeof in);
    vfk_filter2d (NULL, &src, &dst, 0, 0, VFK_BORDER_REFLECT, 0, k);
    for (int i = 0; i < 400; i++)
      ck_assert_int_eq (out[i], v);
  }
  vfk_kernel_free (k);
}

END_TEST;

/* ---- convolution as a doubly block Toeplitz matrix product ---------------- */

static uint32_t rng_state = 12345;
static int
rnd (int n)
{
  rng_state = rng_state * 1103515245u + 12345u;
  return (int) ((rng_state >> 8) % (uint32_t) n);
}

/* Builds the doubly block Toeplitz matrix T of the 'valid' correlation of a
 * padded Hp x Wp image with kernel K (kh x kw): block (y, y+j) is the
 * Toeplitz matrix of kernel row j.  Returns out = clamp(T * vec(padded)). */
static void
toeplitz_filter (const int *padded, int Wp, int Hp, const int *K, int kw,
    int kh, uint8_t * out)
{
  int Wo = Wp - kw + 1, Ho = Hp - kh + 1;
  int rows = Wo * Ho, cols = Wp * Hp;
  long *T = calloc ((size_t) rows * cols, sizeof (long));

  for (int by = 0; by < Ho; by++)
    for (int j = 0; j < kh; j++) {
      /* block (by, by + j): Wo x Wp Toeplitz with diagonals K[j][i] */
      for (int x = 0; x < Wo; x++)
        for (int i = 0; i < kw; i++)
          T[(size_t) (by * Wo + x) * cols + (by + j) * Wp + x + i] =
              K[j * kw + i];
    }
  for (int r = 0; r < rows; r++) {
    long s = 0;
    for (int c = 0; c < cols; c++)
      s += T[(size_t) r * cols + c] * padded[c];
    out[r] = (uint8_t) (s < 0 ? 0 : s > 255 ? 255 : s);
  }
  free (T);
}

START_TEST (test_convolution_equals_toeplitz_product)
{
  for (int trial = 0; trial < 60; trial++) {
    int W = 1 + rnd (9), H = 1 + rnd (8), cn = 1 + rnd (3);
    int kw = 1 + rnd (7), kh = 1 + rnd (7);
    VfkBorder border = (VfkBorder) rnd (5);
    uint8_t value = (uint8_t) rnd (256);
    int ax = rnd (kw), ay = rnd (kh);
    int conv = rnd (2);
    double w[49];
    int K[49];
    uint8_t in[9 * 8 * 3], out[9 * 8 * 3], ref[9 * 8];
    const char *err = NULL;
    VfkKernel *k;

    for (int i = 0; i < kw * kh; i++)
      w[i] = rnd (11) - 5;
    for (int i = 0; i < W * H * cn; i++)
      in[i] = (uint8_t) rnd (256);
    k = vfk_kernel_new (w, kw, kh, ax, ay, 1, 0, &err);
    ck_assert_ptr_nonnull (k);
    if (conv)
      vfk_kernel_flip (k);
    /* the matrix sees the kernel as applied: flipped for convolution */
    for (int i = 0; i < kw * kh; i++)
      K[i] = conv ? (int) w[kw * kh - 1 - i] : (int) w[i];

    {
      VfkImage src = { in, W * cn, W, H, cn }, dst = { out, W * cn, W, H, cn };
      vfk_filter2d (NULL, &src, &dst, 0, 0, border, value, k);
    }

    for (int c = 0; c < cn; c++) {
      int Wp = W + kw - 1, Hp = H + kh - 1;
      int *padded = malloc (sizeof (int) * Wp * Hp);
      for (int y = 0; y < Hp; y++)
        for (int x = 0; x < Wp; x++) {
          int sy = ref_index (y - k->ay, H, border);
          int sx = ref_index (x - k->ax, W, border);
          padded[y * Wp + x] = (sy < 0 || sx < 0) ? value :
              in[(sy * W + sx) * cn + c];
        }
      toeplitz_filter (padded, Wp, Hp, K, kw, kh, ref);
      for (int i = 0; i < W * H; i++)
        ck_assert_msg (out[i * cn + c] == ref[i],
            "trial %d (%dx%dx%d, k %dx%d, border %d, %s): pixel %d ch %d "
            "is %d, T*x gives %d", trial, W, H, cn, kw, kh, border,
            conv ? "convolution" : "correlation", i, c, out[i * cn + c],
            ref[i]);
      free (padded);
    }
    vfk_kernel_free (k);
  }
}

END_TEST;

START_TEST (test_correlation_equals_convolution_with_flipped_kernel)
{
  for (int trial = 0; trial < 40; trial++) {
    int W = 3 + rnd (20), H = 3 + rnd (20), kw = 1 + rnd (6), kh = 1 + rnd (6);
    double w[36], wf[36];
    uint8_t in[22 * 22], a[22 * 22], b[22 * 22];
    const char *err = NULL;
    VfkKernel *kc, *kf;
    VfkImage src = { in, W, W, H, 1 }, da = { a, W, W, H, 1 }, db = { b, W, W,
      H, 1
    };

    for (int i = 0; i < kw * kh; i++)
      w[i] = (rnd (2000) - 1000) / 250.0;
    for (int i = 0; i < kw * kh; i++)
      wf[i] = w[kw * kh - 1 - i];
    for (int i = 0; i < W * H; i++)
      in[i] = (uint8_t) rnd (256);
    kc = vfk_kernel_new (w, kw, kh, -1, -1, 7.5, 3, &err);
    vfk_kernel_flip (kc);       /* convolution with w */
    kf = vfk_kernel_new (wf, kw, kh, kw - 1 - kw / 2, kh - 1 - kh / 2, 7.5, 3, &err);   /* correlation with flipped w */
    for (int border = 0; border < 5; border++) {
      vfk_filter2d (NULL, &src, &da, 0, 0, border, 9, kc);
      vfk_filter2d (NULL, &src, &db, 0, 0, border, 9, kf);
      ck_assert_mem_eq (a, b, (size_t) W * H);
    }
    vfk_kernel_free (kc);
    vfk_kernel_free (kf);
  }
}

END_TEST;

/* ---- brute-force references for the separable and box paths --------------- */

START_TEST (test_rank1_kernel_matches_2d_brute_force)
{
  for (int trial = 0; trial < 30; trial++) {
    int W = 1 + rnd (30), H = 1 + rnd (30), kw = 2 + rnd (9), kh = 2 + rnd (9);
    int u[11], v[11];
    double w[121];
    uint8_t in[30 * 30 * 3], out[30 * 30 * 3];
    const char *err = NULL;
    VfkKernel *k;
    VfkBorder border = (VfkBorder) rnd (5);
    int div = 1 + rnd (300);

    for (int j = 0; j < kh; j++)
      u[j] = rnd (9) - 2;
    u[rnd (kh)] = 3;
    for (int i = 0; i < kw; i++)
      v[i] = rnd (9) - 2;
    v[rnd (kw)] = 5;
    for (int j = 0; j < kh; j++)
      for (int i = 0; i < kw; i++)
        w[j * kw + i] = u[j] * v[i];
    for (int i = 0; i < W * H * 3; i++)
      in[i] = (uint8_t) rnd (256);
    k = vfk_kernel_new (w, kw, kh, -1, -1, div, 2, &err);
    ck_assert (k->is_int && k->separable);
    {
      VfkImage src = { in, W * 3, W, H, 3 }, dst = { out, W * 3, W, H, 3 };
      VfkPool *pool = vfk_pool_new (3);
      vfk_filter2d (pool, &src, &dst, 0, 0, border, 17, k);
      vfk_pool_free (pool);
    }
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++)
        for (int c = 0; c < 3; c++) {
          long s = 0;
          for (int j = 0; j < kh; j++)
            for (int i = 0; i < kw; i++) {
              int sy = ref_index (y + j - kh / 2, H, border);
              int sx = ref_index (x + i - kw / 2, W, border);
              int p = (sy < 0 || sx < 0) ? 17 : in[(sy * W + sx) * 3 + c];
              s += (long) w[j * kw + i] * p;
            }
          /* floor(s / div + 2 + 1/2) */
          long num = 2 * s + 4L * div + div, den = 2L * div;
          long q = num >= 0 ? num / den : -((-num + den - 1) / den);
          int e = q < 0 ? 0 : q > 255 ? 255 : (int) q;
          ck_assert_int_eq (out[(y * W + x) * 3 + c], e);
        }
    vfk_kernel_free (k);
  }
}

END_TEST;

START_TEST (test_box_half_up_matches_brute_force)
{
  for (int trial = 0; trial < 60; trial++) {
    int W = 1 + rnd (40), H = 1 + rnd (40), cn = 1 + rnd (4);
    int kw = 1 + rnd (50), kh = 1 + rnd (50);
    VfkBorder border = (VfkBorder) rnd (5);
    uint8_t *in = malloc (W * H * cn), *out = malloc (W * H * cn);
    VfkImage src = { in, W * cn, W, H, cn }, dst = { out, W * cn, W, H, cn };
    VfkPool *pool = vfk_pool_new (2);

    for (int i = 0; i < W * H * cn; i++)
      in[i] = (uint8_t) (trial % 3 == 0 ? 255 - rnd (3) : rnd (256));
    vfk_box (pool, &src, &dst, 0, 0, border, 200, kw, kh,
        VFK_BOX_ROUND_HALF_UP);
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++)
        for (int c = 0; c < cn; c++) {
          long s = 0, area = (long) kw * kh;
          for (int j = 0; j < kh; j++)
            for (int i = 0; i < kw; i++) {
              int sy = ref_index (y + j - kh / 2, H, border);
              int sx = ref_index (x + i - kw / 2, W, border);
              s += (sy < 0 || sx < 0) ? 200 : in[(sy * W + sx) * cn + c];
            }
          ck_assert_int_eq (out[(y * W + x) * cn + c],
              (2 * s + area) / (2 * area));
        }
    vfk_pool_free (pool);
    free (in);
    free (out);
  }
}

END_TEST;

START_TEST (test_box_valid_output_is_window_mean)
{
  uint8_t in[8 * 6], out[4 * 4];
  VfkImage src = { in, 8, 8, 6, 1 }, dst = { out, 4, 4, 4, 1 };
  for (int i = 0; i < 48; i++)
    in[i] = (uint8_t) (i * 5);
  /* 5x3 kernel: output 4x4, window anchored at (2,1) */
  vfk_box (NULL, &src, &dst, 2, 1, VFK_BORDER_REPLICATE, 0, 5, 3, 0);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 4; x++) {
      int s = 0;
      for (int j = 0; j < 3; j++)
        for (int i = 0; i < 5; i++)
          s += in[(y + j) * 8 + x + i];
      ck_assert_int_eq (out[y * 4 + x], (2 * s + 15) / 30);
    }
}

END_TEST;

START_TEST (test_threads_give_identical_bytes)
{
  int W = 211, H = 157, cn = 3;
  uint8_t *in = malloc (W * H * cn), *a = malloc (W * H * cn),
      *b = malloc (W * H * cn);
  VfkImage src = { in, W * cn, W, H, cn }, da = { a, W * cn, W, H, cn },
      db = { b, W * cn, W, H, cn };
  VfkPool *p1 = vfk_pool_new (1), *p4 = vfk_pool_new (4);

  for (int i = 0; i < W * H * cn; i++)
    in[i] = (uint8_t) rnd (256);
  for (int border = 0; border < 5; border++) {
    vfk_gauss_exact (p1, &src, &da, 0, 0, border, 3, 0, 0, 4.2, 0);
    vfk_gauss_exact (p4, &src, &db, 0, 0, border, 3, 0, 0, 4.2, 0);
    ck_assert_mem_eq (a, b, (size_t) W * H * cn);
    vfk_box (p1, &src, &da, 0, 0, border, 3, 23, 9, 0);
    vfk_box (p4, &src, &db, 0, 0, border, 3, 23, 9, 0);
    ck_assert_mem_eq (a, b, (size_t) W * H * cn);
  }
  vfk_pool_free (p1);
  vfk_pool_free (p4);
  free (in);
  free (a);
  free (b);
}

END_TEST;

START_TEST (test_gauss_q8_kernels_sum_to_256)
{
  for (int n = 1; n <= 99; n += 2)
    for (double s = 0; s < 30; s += 2.7) {
      int32_t k[99];
      int sum = 0;
      vfk_gauss_kernel_q8 (n, s, k);
      for (int i = 0; i < n; i++) {
        sum += k[i];
        ck_assert_int_eq (k[i], k[n - 1 - i]);
      }
      ck_assert_int_eq (sum, 256);
    }
  /* the fixed 5-tap kernel of cv2.GaussianBlur(img, (5,5), 0) */
  {
    int32_t k[5];
    vfk_gauss_kernel_q8 (5, 0, k);
    ck_assert_int_eq (k[0], 16);
    ck_assert_int_eq (k[1], 64);
    ck_assert_int_eq (k[2], 96);
  }
}

END_TEST;

/* ---- Gaussian mode=fast ---------------------------------------------------- */

/* One 1-D float64 Gaussian pass (sampled to 5 sigma) along `n_lines`
 * lines of `len` samples: sample i of line l is at l * across + i * along;
 * positions past the ends follow `border` (constant: `value`). */
static void
ref_gauss_pass (const double *in, double *out, int n_lines, int len,
    ptrdiff_t across, ptrdiff_t along, double sigma, VfkBorder border,
    uint8_t value)
{
  const int r = (int) ceil (5 * sigma);
  double *k = malloc (sizeof (double) * (2 * r + 1)), sum = 0;
  for (int t = -r; t <= r; t++)
    sum += k[t + r] = exp (-0.5 * t * t / (sigma * sigma));
  for (int l = 0; l < n_lines; l++)
    for (int i = 0; i < len; i++) {
      double a = 0;
      for (int t = -r; t <= r; t++) {
        int j = vfk_border_index (i + t, len, border);
        a += k[t + r] * (j < 0 ? value : in[l * across + j * along]);
      }
      out[l * across + i * along] = a / sum;
    }
  free (k);
}

/* Separable float64 Gaussian (sampled to 5 sigma) under `border`: rows,
 * then columns of the row-filtered frame (a constant row stays constant). */
static void
ref_gauss_f64 (const uint8_t * in, int W, int H, double sx, double sy,
    VfkBorder border, uint8_t value, double *out)
{
  double *src = malloc (sizeof (double) * W * H),
      *tmp = malloc (sizeof (double) * W * H);
  for (int i = 0; i < W * H; i++)
    src[i] = in[i];
  ref_gauss_pass (src, tmp, H, W, W, 1, sx, border, value);
  ref_gauss_pass (tmp, out, W, H, 1, W, sy, border, value);
  free (src);
  free (tmp);
}

/* The grid path (sigma >= 4) and Deriche's recursion (below) against a
 * float64 Gaussian: PSNR >= 50 dB for every border, equal and unequal
 * sigmas, odd sizes; 1 and 4 threads give the same bytes; a flat frame
 * stays flat even when smaller than a cell. */
/* mode=fast is never the slower path: where OpenCV's exact windows cost
 * less than the grid or the recursion it runs them (the same bytes as
 * vfk_gauss_exact; the others would differ): sigma 1 to 5.5 on both
 * axes, unequal axes below the grid up to 320 taps; from sigma 6 on both
 * axes the grid (different bytes). */
START_TEST (test_gauss_fast_takes_the_cheaper_path)
{
  static const double sig[][2] = { {1, 1}, {2, 2}, {3.9, 3.9}, {4, 4},
  {5.5, 5.5}, {2.5, 12}, {2, 40}, {6, 6}, {7, 7}, {8, 8}, {12, 12}
  };
  const int W = 97, H = 71;
  uint8_t *in = malloc (W * H), *a = malloc (W * H), *b = malloc (W * H);
  VfkImage src = { in, W, W, H, 1 }, da = { a, W, W, H, 1 }, db = { b, W, W,
    H, 1
  };
  for (int k = 0; k < W * H; k++)
    in[k] = (uint8_t) rnd (256);
  for (size_t i = 0; i < sizeof sig / sizeof sig[0]; i++) {
    vfk_gauss_fast (NULL, &src, &da, 0, 0, VFK_BORDER_REFLECT, 0, sig[i][0],
        sig[i][1]);
    vfk_gauss_exact (NULL, &src, &db, 0, 0, VFK_BORDER_REFLECT, 0, 0, 0,
        sig[i][0], sig[i][1]);
    if (sig[i][0] < 6)
      ck_assert_msg (memcmp (a, b, (size_t) W * H) == 0, "sigma %gx%g: "
          "fast did not run the exact windows", sig[i][0], sig[i][1]);
    else
      ck_assert_msg (memcmp (a, b, (size_t) W * H) != 0, "sigma %gx%g: "
          "fast ran the exact windows, not the grid", sig[i][0], sig[i][1]);
  }
  free (in);
  free (a);
  free (b);
}

END_TEST;

START_TEST (test_gauss_fast_against_float64)
{
  /* exact windows (2.5 to 5.5), the grid (from 6 on both axes, or more
   * than 70 taps), the recursion (1.5 x 60: over 320 taps) */
  static const double sig[][2] = { {2.5, 2.5}, {4, 4}, {6, 6}, {8, 8},
  {13, 13},
  {5, 17}, {24, 4.5}, {1.5, 60}
  };
  const int W = 97, H = 71;
  uint8_t *in = malloc (W * H), *a = malloc (W * H), *b = malloc (W * H);
  double *ref = malloc (sizeof (double) * W * H);
  VfkImage src = { in, W, W, H, 1 }, da = { a, W, W, H, 1 }, db = { b, W, W,
    H, 1
  };
  VfkPool *p1 = vfk_pool_new (1), *p4 = vfk_pool_new (4);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      int v = 60 + x + y / 2 + rnd (31) - 15 + ((x / 13 + y / 11) % 2) * 50;
      in[y * W + x] = (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
    }
  for (size_t i = 0; i < sizeof sig / sizeof sig[0]; i++)
    for (int border = 0; border < 5; border++) {
      double se = 0, psnr;
      vfk_gauss_fast (p1, &src, &da, 0, 0, border, 200, sig[i][0], sig[i][1]);
      vfk_gauss_fast (p4, &src, &db, 0, 0, border, 200, sig[i][0], sig[i][1]);
      ck_assert_mem_eq (a, b, (size_t) W * H);
      ref_gauss_f64 (in, W, H, sig[i][0], sig[i][1], border, 200, ref);
      for (int k = 0; k < W * H; k++)
        se += (a[k] - ref[k]) * (a[k] - ref[k]);
      psnr = 10 * log10 (255.0 * 255.0 / fmax (se / (W * H), 1e-12));
      printf ("# gauss fast sigma %gx%g border %d vs float64: PSNR %.1f dB\n",
          sig[i][0], sig[i][1], border, psnr);
      ck_assert_msg (psnr >= 50, "sigma %gx%g border %d: PSNR %.1f dB < 50",
          sig[i][0], sig[i][1], border, psnr);
    }
  for (int cn = 1; cn <= 4; cn++)
    for (int w = 1; w <= 9; w += 4) {
      uint8_t flat[9 * 5 * 4], out[9 * 5 * 4];
      VfkImage fs = { flat, w * cn, w, 5, cn }, fo = { out, w * cn, w, 5, cn };
      memset (flat, 77, sizeof flat);
      for (int border = 0; border < 5; border++) {
        memset (out, 0, sizeof out);
        vfk_gauss_fast (p4, &fs, &fo, 0, 0, border, 77, 30, 9);
        for (int k = 0; k < w * 5 * cn; k++)
          ck_assert_msg (out[k] == 77, "flat %dx5 cn %d border %d: %d", w, cn,
              border, out[k]);
      }
    }
  vfk_pool_free (p1);
  vfk_pool_free (p4);
  free (in);
  free (a);
  free (b);
  free (ref);
}

END_TEST;

static Suite *
kernels_suite (void)
{
  Suite *s = suite_create ("kernels");
  TCase *tc = tcase_create ("border");
  tcase_add_test (tc, test_zero_border_matches_seed_figure);
  tcase_add_test (tc, test_replicate_border_matches_seed_figure);
  tcase_add_test (tc, test_reflect_border_matches_seed_figure);
  tcase_add_test (tc, test_symmetric_border_matches_spec_row);
  tcase_add_test (tc, test_wrap_border_matches_spec_row);
  tcase_add_test (tc, test_border_index_any_distance);
  tcase_add_test (tc, test_border_row_runs_are_the_padded_row);
  tcase_add_test (tc, test_border_col_map_names_the_copied_column);
  suite_add_tcase (s, tc);

  tc = tcase_create ("linear");
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_seed_worked_example_valid);
  tcase_add_test (tc, test_seed_integer_gaussian_961);
  tcase_add_test (tc, test_convolution_equals_toeplitz_product);
  tcase_add_test (tc, test_correlation_equals_convolution_with_flipped_kernel);
  tcase_add_test (tc, test_rank1_kernel_matches_2d_brute_force);
  suite_add_tcase (s, tc);

  tc = tcase_create ("box-gauss");
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_box_half_up_matches_brute_force);
  tcase_add_test (tc, test_box_valid_output_is_window_mean);
  tcase_add_test (tc, test_threads_give_identical_bytes);
  tcase_add_test (tc, test_gauss_q8_kernels_sum_to_256);
  tcase_add_test (tc, test_gauss_fast_against_float64);
  tcase_add_test (tc, test_gauss_fast_takes_the_cheaper_path);
  suite_add_tcase (s, tc);

  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (kernels_suite ());
  int failed;
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
