/* checkasm: the row primitives of vfk-cpu.c (VfkRowDsp), each called
 * directly at every CPU level against the C entry.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
#include <stdlib.h>

#include "checkasm.h"

CHECKED (VfkRowDsp, 13);        /* test_row_primitives, test_row_filters,
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

/* The column and 2-D float filters.  Integer data whose sums stay below
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
        float fa4[4][MAXN], fb4[4][MAXN];
        float *pfa[4] = { fa4[0], fa4[1], fa4[2], fa4[3] };
        float *pfb[4] = { fb4[0], fb4[1], fb4[2], fb4[3] };
        const int cn = 1 + rnd (4);

        for (int i = 0; i < 16; i++) {
          for (int s = 0; s < MAXN + 64; s++)
            rows_f[i][s] = (float) rnd (256);
          rows[i] = rows_f[i] + off;
        }
        for (int i = 0; i < 64; i++)
          k[i] = (float) rnd (256);
        /* every phase of the column filter: no row shared (1, 2 taps) and
         * the rows feeding only the first or the last outputs */
        for (int kh = 1; kh <= 12; kh += kh < 3 ? 1 : 9) {
          ref.v4_f32 (pfa, rows, k, kh, n);
          v.v4_f32 (pfb, rows, k, kh, n);
          for (int o = 0; o < 4; o++)
            ck_assert_msg (!memcmp (fa4[o], fb4[o], sizeof (float) * n),
                "v4_f32 %s n=%d kh=%d out %d off=%d", lv, n, kh, o, off);
        }
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
  uint8_t in[MAXN + 2 * 22 * 4], oa[4][MAXN], ob[4][MAXN];
  uint8_t *pa[4] = { oa[0], oa[1], oa[2], oa[3] };
  uint8_t *pb[4] = { ob[0], ob[1], ob[2], ob[3] };
  uint16_t ha[MAXN], hb[MAXN], hrow[48][MAXN + OFF], k[23];
  const uint16_t *rows[48];
  static const int radii[] = { 0, 1, 2, 3, 7, 22 };

  vfk_row_dsp_init (&ref, 0);
  fill_u8 (in, sizeof in);
  for (int j = 0; j < 48; j++) {
    for (int i = 0; i < MAXN + OFF; i++)
      hrow[j][i] = (uint16_t) rnd (65536);
    rows[j] = hrow[j];
  }
  for (int l = 0; l < nl; l++) {
    vfk_row_dsp_init (&v, levels[l]);
    for (unsigned li = 0; li < sizeof lengths / sizeof *lengths; li++)
      for (unsigned ri = 0; ri < sizeof radii / sizeof *radii; ri++)
        for (int cn = 1; cn <= 4; cn += 3) {
          const int n = lengths[li], r = radii[ri];
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
          /* float columns: a q8 kernel summing to 256 over rows of at
           * most 65280, the largest sums included */
          for (int m = 1; m <= 4; m++) {
            float kf[45], left = 256;
            const int kh = 2 * r + 1;
            for (int t = 0; t < kh; t++) {
              kf[t] = t < kh - 1 ? floorf (left * rnd (100) / 200) : left;
              left -= kf[t];
            }
            for (int j = 0; j < kh + 3; j++)
              for (int i = 0; i < n; i++)
                hrow[j][i] = (uint16_t) (j == m ? 65280 : rnd (65281));
            memset (oa, 0, sizeof oa);
            memset (ob, 0, sizeof ob);
            ref.vcol_u16_u8 (pa, m, rows, kf, kh, n);
            v.vcol_u16_u8 (pb, m, rows, kf, kh, n);
            ck_assert_msg (!memcmp (oa, ob, sizeof oa), "vcol_u16_u8 %s "
                "n=%d kh=%d m=%d", level_name (levels[l]), n, kh, m);
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
