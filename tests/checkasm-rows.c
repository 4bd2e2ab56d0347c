/* checkasm: the row primitives of vfk-cpu.c (VfkRowDsp), each called
 * directly at every CPU level against the C entry.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
#include <stdlib.h>

#include "checkasm.h"

CHECKED (VfkRowDsp, 15);        /* test_row_primitives, test_row_filters,
                                 * test_row_u16: each directly */

/* ---- row primitives ------------------------------------------------------- */

START_TEST (test_row_primitives)
{
  unsigned levels[2];
  int nl = variant_levels (levels);
  VfkRowDsp ref, v;

  vfk_row_dsp_init (&ref, 0);
  for (int l = 0; l < nl; l++) {
    const char *lv = level_name (levels[l]);
    vfk_row_dsp_init (&v, levels[l]);
    for (unsigned li = 0; li < sizeof lengths / sizeof *lengths; li++)
      for (int off = 0; off <= OFF; off++) {
        const int n = lengths[li];
        uint8_t row[MAXN + OFF];
        int32_t ia[MAXN + OFF], ib[MAXN + OFF], irow[MAXN + OFF];
        float fa[MAXN + OFF], fb[MAXN + OFF], frow[MAXN + OFF];
        const int32_t w = rnd (2001) - 1000;
        const float wf = (rnd (2001) - 1000) / 37.0f;

        fill_u8 (row, MAXN + OFF);
        for (int i = 0; i < MAXN + OFF; i++) {
          ia[i] = ib[i] = rnd (200001) - 100000;
          irow[i] = rnd (20001) - 10000;
          fa[i] = fb[i] = (float) (rnd (20001) - 10000) / 7.0f;
          frow[i] = (float) (rnd (2001) - 1000) / 3.0f;
        }
        ref.mac_u8_i32 (ia + off, row + off, w, n);
        v.mac_u8_i32 (ib + off, row + off, w, n);
        ck_assert_msg (!memcmp (ia, ib, sizeof ia), "mac_u8_i32 %s n=%d "
            "off=%d", lv, n, off);
        ref.mac_i32_i32 (ia + off, irow + off, w, n);
        v.mac_i32_i32 (ib + off, irow + off, w, n);
        ck_assert_msg (!memcmp (ia, ib, sizeof ia), "mac_i32_i32 %s n=%d "
            "off=%d", lv, n, off);
        ref.mac_u8_f32 (fa + off, row + off, wf, n);
        v.mac_u8_f32 (fb + off, row + off, wf, n);
        ck_assert_msg (!memcmp (fa, fb, sizeof fa), "mac_u8_f32 %s n=%d "
            "off=%d", lv, n, off);
        ref.mac_f32_f32 (fa + off, frow + off, wf, n);
        v.mac_f32_f32 (fb + off, frow + off, wf, n);
        ck_assert_msg (!memcmp (fa, fb, sizeof fa), "mac_f32_f32 %s n=%d "
            "off=%d", lv, n, off);
        ref.u8_to_f32 (fa + off, row + off, n);
        v.u8_to_f32 (fb + off, row + off, n);
        ck_assert_msg (!memcmp (fa, fb, sizeof fa), "u8_to_f32 %s n=%d "
            "off=%d", lv, n, off);

        /* prefix sums of two rows, cn channels, carry read before s = 0 */
        for (int cn = 1; cn <= 4; cn++) {
          uint32_t xa[MAXN], xb[MAXN], pa[2][MAXN + 8], pb[2][MAXN + 8];
          uint16_t ya[MAXN], yb[MAXN];  /* every bit of 16 used */
          for (int i = 0; i < MAXN; i++) {
            xa[i] = rnd (70000);
            xb[i] = rnd (70000);
            ya[i] = (uint16_t) rnd (65536);
            yb[i] = (uint16_t) (65535 - rnd (300));
          }
          for (int i = 0; i < MAXN + 8; i++)
            pa[0][i] = pa[1][i] = pb[0][i] = pb[1][i] = rnd (1000);
          ref.prefix2_u32 (pa[0] + 4 + off, xa, pb[0] + 4 + off, xb, n, cn);
          v.prefix2_u32 (pa[1] + 4 + off, xa, pb[1] + 4 + off, xb, n, cn);
          ck_assert_msg (!memcmp (pa[0], pa[1], sizeof pa[0])
              && !memcmp (pb[0], pb[1], sizeof pb[0]), "prefix2_u32 %s n=%d "
              "cn=%d off=%d", lv, n, cn, off);
          ref.prefix2_u16 (pa[0] + 4 + off, ya, pb[0] + 4 + off, yb, n, cn);
          v.prefix2_u16 (pa[1] + 4 + off, ya, pb[1] + 4 + off, yb, n, cn);
          ck_assert_msg (!memcmp (pa[0], pa[1], sizeof pa[0])
              && !memcmp (pb[0], pb[1], sizeof pb[0]), "prefix2_u16 %s n=%d "
              "cn=%d off=%d", lv, n, cn, off);
        }
      }
  }
}

END_TEST;

/* The symmetric and 2-D float filters.  Integer data whose sums stay below
 * 2^24 must agree bit for bit (the exact paths rely on it); a float kernel
 * may differ where one level fuses a multiply-add: within float precision. */
START_TEST (test_row_filters)
{
  unsigned levels[2];
  int nl = variant_levels (levels);
  VfkRowDsp ref, v;
  static float rows_f[16][MAXN + 64];
  const float *rows[16];

  vfk_row_dsp_init (&ref, 0);
  for (int l = 0; l < nl; l++) {
    const char *lv = level_name (levels[l]);
    vfk_row_dsp_init (&v, levels[l]);
    for (unsigned li = 0; li < sizeof lengths / sizeof *lengths; li++)
      for (int off = 0; off <= OFF; off += 3) {
        const int n = lengths[li];
        float k[64], oa[MAXN + OFF], ob[MAXN + OFF];
        uint8_t ua[4][MAXN], ub[4][MAXN];
        uint8_t *pua[4] = { ua[0], ua[1], ua[2], ua[3] };
        uint8_t *pub[4] = { ub[0], ub[1], ub[2], ub[3] };
        float fa4[4][MAXN], fb4[4][MAXN];
        float *pfa[4] = { fa4[0], fa4[1], fa4[2], fa4[3] };
        float *pfb[4] = { fb4[0], fb4[1], fb4[2], fb4[3] };
        const int r = 1 + rnd (6), cn = 1 + rnd (4);

        /* pixels times q8 weights: rows of exact integers */
        for (int j = 0; j < 16; j++) {
          for (int i = 0; i < MAXN + 64; i++)
            rows_f[j][i] = (float) (rnd (256) * rnd (257));
          rows[j] = rows_f[j] + off;
        }
        for (int i = 0; i < 64; i++)
          k[i] = (float) rnd (256);
        {
          /* q8 weights summing to at most 256 for vsym / v4 (sums < 2^24) */
          float kq[8], s = 0;
          for (int i = 0; i <= r; i++)
            s += (kq[i] = (float) (1 + rnd (20))) * (i < r ? 2 : 1);
          for (int i = 0; i <= r; i++)
            kq[i] = floorf (kq[i] * 256 / s / 2);
          memset (ua, 0, sizeof ua);
          memset (ub, 0, sizeof ub);
          ref.vsym_f32_u8 (ua[0], rows, kq, r, n, 32768.f, 1.f / 65536);
          v.vsym_f32_u8 (ub[0], rows, kq, r, n, 32768.f, 1.f / 65536);
          ck_assert_msg (!memcmp (ua[0], ub[0], n), "vsym_f32_u8 %s n=%d "
              "r=%d off=%d", lv, n, r, off);
          {
            float kf[16];
            for (int t = 0; t < 2 * r + 1; t++)
              kf[t] = kq[t <= r ? t : 2 * r - t];
            ref.v4_f32_u8 (pua, rows, kf, 2 * r + 1, n, 32768.f, 1.f / 65536);
            v.v4_f32_u8 (pub, rows, kf, 2 * r + 1, n, 32768.f, 1.f / 65536);
            for (int o = 0; o < 4; o++)
              ck_assert_msg (!memcmp (ua[o], ub[o], n), "v4_f32_u8 %s n=%d "
                  "kh=%d out %d off=%d", lv, n, 2 * r + 1, o, off);
          }
        }
        for (int i = 0; i < 16; i++)
          for (int s = 0; s < MAXN + 64; s++)
            rows_f[i][s] = (float) rnd (256);
        ref.hsym_f32 (oa, rows[0], k, r, cn, n);
        v.hsym_f32 (ob, rows[0], k, r, cn, n);
        ck_assert_msg (!memcmp (oa, ob, sizeof (float) * n), "hsym_f32 %s "
            "n=%d r=%d cn=%d off=%d", lv, n, r, cn, off);
        ref.v4_f32 (pfa, rows, k, 5, n, 0, 0);
        v.v4_f32 (pfb, rows, k, 5, n, 0, 0);
        for (int o = 0; o < 4; o++)
          ck_assert_msg (!memcmp (fa4[o], fb4[o], sizeof (float) * n),
              "v4_f32 %s n=%d out %d off=%d", lv, n, o, off);
        ref.conv_f32_exact (oa, rows, k, 3, 5, cn, n);
        v.conv_f32_exact (ob, rows, k, 3, 5, cn, n);
        ck_assert_msg (!memcmp (oa, ob, sizeof (float) * n),
            "conv_f32_exact %s n=%d cn=%d off=%d", lv, n, cn, off);
        for (int i = 0; i < 64; i++)
          k[i] = (rnd (2000) - 1000) / 997.0f;
        ref.conv_f32 (oa, rows, k, 3, 5, cn, n);
        v.conv_f32 (ob, rows, k, 3, 5, cn, n);
        for (int i = 0; i < n; i++)
          ck_assert_msg (fabsf (oa[i] - ob[i]) <= 1e-4f * (1 + fabsf (oa[i])),
              "conv_f32 %s n=%d sample %d: %g vs %g", lv, n, i, oa[i], ob[i]);
      }
  }
}

END_TEST;

/* The exact Gaussian's 16-bit rows: taps with every sum up to 2^16
 * (the wrap-around modulo 2^16 of the intermediate sums included), for
 * half kernels of 1 to 4 taps and every rounding shift */
START_TEST (test_row_u16)
{
  unsigned levels[2];
  int nl = variant_levels (levels);
  VfkRowDsp ref, v;
  uint8_t in[MAXN + 16], oa[4][MAXN], ob[4][MAXN];
  uint8_t *pa[4] = { oa[0], oa[1], oa[2], oa[3] };
  uint8_t *pb[4] = { ob[0], ob[1], ob[2], ob[3] };
  uint16_t ha[MAXN], hb[MAXN], hrow[10][MAXN + OFF], k[4];
  const uint16_t *rows[10];

  vfk_row_dsp_init (&ref, 0);
  fill_u8 (in, MAXN + 16);
  for (int j = 0; j < 10; j++) {
    for (int i = 0; i < MAXN + OFF; i++)
      hrow[j][i] = (uint16_t) rnd (65536);
    rows[j] = hrow[j];
  }
  for (int l = 0; l < nl; l++) {
    vfk_row_dsp_init (&v, levels[l]);
    for (unsigned li = 0; li < sizeof lengths / sizeof *lengths; li++)
      for (int r = 0; r <= 3; r++)
        for (int cn = 1; cn <= 4; cn += 3) {
          const int n = lengths[li];
          for (int i = 0; i <= r; i++)
            k[i] = (uint16_t) (1 + rnd (300));
          ref.hsym_u8_u16 (ha, in, k, r, cn, n);
          v.hsym_u8_u16 (hb, in, k, r, cn, n);
          ck_assert_msg (!memcmp (ha, hb, sizeof (uint16_t) * n),
              "hsym_u8_u16 %s n=%d r=%d cn=%d", level_name (levels[l]), n,
              r, cn);
          for (int m = 1; m <= 4; m++) {
            const int shift = 4 + m;
            const uint16_t add = (uint16_t) (1 << (shift - 1));
            memset (oa, 0, sizeof oa);
            memset (ob, 0, sizeof ob);
            ref.vsym_u16_u8 (pa, m, rows, k, r, n, add, shift);
            v.vsym_u16_u8 (pb, m, rows, k, r, n, add, shift);
            ck_assert_msg (!memcmp (oa, ob, sizeof oa), "vsym_u16_u8 %s "
                "n=%d r=%d m=%d", level_name (levels[l]), n, r, m);
          }
        }
  }
}

END_TEST;

void
checkasm_add_row_tests (TCase * tc)
{
  tcase_add_test (tc, test_row_u16);
  tcase_add_test (tc, test_row_primitives);
  tcase_add_test (tc, test_row_filters);
}
