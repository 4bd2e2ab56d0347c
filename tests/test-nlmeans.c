/* vfnlmeans: every format, size and border against a brute-force
 * reference written here (distances summed patch by patch, OpenCV's weight
 * formula), the same bytes with 1, 2 and 4 threads, refused values, live
 * changes with no torn frame.  (Bit-identity with OpenCV itself is the
 * oracle test's.)
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "harness.h"

typedef struct
{
  double h, hc;
  int patch, search, border;    /* REF_* or VF_TEST_BORDER_VALID */
  guint8 value;
} Nlm;

/* OpenCV's weight of a patch distance D summed over nm channels. */
static int
ref_weight (long D, double h, int patch, int search, int nm)
{
  int shift = 0;
  long fpm = INT_MAX / ((long) search * search * 255);
  double mult, wd;
  float hh = (float) h * (float) h;
  long wt;
  while ((1 << shift) < patch * patch)
    shift++;
  mult = (double) (1 << shift) / (patch * patch);
  hh = hh * (float) nm;
  wd = exp (-((D >> shift) * mult) / hh);
  wt = lrint (fpm * wd);
  return wt < 0.001 * fpm ? 0 : (int) wt;
}

/* One plane: the channels in ch[0..nm) weighted together and filtered;
 * output (x, y) centred on input (x + ox, y + oy). */
static void
ref_nlmeans (const guint8 * in, gint is, gint w, gint h, gint cn,
    const gint * ch, gint nm, guint8 * out, gint os, gint ow, gint oh, gint ox,
    gint oy, const Nlm * n, double hh)
{
  const int S = n->search / 2, T = n->patch / 2;
  const int b = n->border == VF_TEST_BORDER_VALID ? REF_REPLICATE : n->border;
#define PX(X, Y, C) ({ int sx_ = ref_index ((X), w, b), \
        sy_ = ref_index ((Y), h, b); \
        (sx_ < 0 || sy_ < 0) ? n->value : in[sy_ * is + sx_ * cn + (C)]; })
  for (int y = 0; y < oh; y++)
    for (int x = 0; x < ow; x++) {
      const int px = x + ox, py = y + oy;
      long est[4] = { 0 }, W = 0;
      for (int dy = -S; dy <= S; dy++)
        for (int dx = -S; dx <= S; dx++) {
          long D = 0;
          int wt;
          for (int ty = -T; ty <= T; ty++)
            for (int tx = -T; tx <= T; tx++)
              for (int k = 0; k < nm; k++) {
                int d = PX (px + tx, py + ty, ch[k]) -
                    PX (px + dx + tx, py + dy + ty, ch[k]);
                D += d * d;
              }
          wt = ref_weight (D, hh, n->patch, n->search, nm);
          W += wt;
          for (int k = 0; k < nm; k++)
            est[k] += wt * PX (px + dx, py + dy, ch[k]);
        }
      for (int k = 0; k < nm; k++)
        out[y * os + x * cn + ch[k]] =
            (guint8) (((unsigned long) est[k] + W / 2) / W);
    }
#undef PX
}

static const gchar *const border_names[] = { "constant", "replicate",
  "reflect", "symmetric", "wrap", "valid"
};

/* Pushes one random frame of `format` through vfnlmeans with n and checks
 * every byte of every plane. */
static void
check_nlmeans (const gchar * format, gint w, gint h, const Nlm * n,
    const gchar * extra)
{
  const int k = n->patch + n->search - 1;
  GstVideoInfo info, oinfo;
  GstBuffer *in, *out;
  GstVideoFrame fi, fo;
  gchar *launch;
  gboolean valid = n->border == VF_TEST_BORDER_VALID;

  gst_video_info_set_format (&info, gst_video_format_from_string (format), w,
      h);
  gst_video_info_set_format (&oinfo, gst_video_format_from_string (format),
      valid ? w - k + 1 : w, valid ? h - k + 1 : h);
  in = random_frame (&info);
  launch = g_strdup_printf ("vfnlmeans h=%g h-color=%g patch-size=%d "
      "search-size=%d border=%s border-value=%u %s", n->h, n->hc, n->patch,
      n->search, border_names[n->border], n->value, extra ? extra : "");
  out = push_one (launch, &info, in);
  fail_unless (out != NULL, "%s gave no frame", launch);
  gst_video_frame_map (&fi, &info, in, GST_MAP_READ);
  gst_video_frame_map (&fo, &oinfo, out, GST_MAP_READ);
  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (&info); p++) {
    gint c0, pw, ph, cn, is, os, ow, oh, ox = 0, oy = 0;
    gint alpha = p == 0 ? alpha_offset (&info) : -1;
    const guint8 *ip = GST_VIDEO_FRAME_PLANE_DATA (&fi, p);
    const guint8 *op = GST_VIDEO_FRAME_PLANE_DATA (&fo, p);
    gboolean yuv = GST_VIDEO_INFO_IS_YUV (&info);
    guint8 *expect;
    c0 = plane_geometry (&info, p, &pw, &ph, &cn);
    plane_geometry (&oinfo, p, &ow, &oh, &cn);
    is = GST_VIDEO_FRAME_PLANE_STRIDE (&fi, p);
    os = GST_VIDEO_FRAME_PLANE_STRIDE (&fo, p);
    if (valid) {
      ox = (k / 2) >> GST_VIDEO_FORMAT_INFO_W_SUB (info.finfo, c0);
      oy = (k / 2) >> GST_VIDEO_FORMAT_INFO_H_SUB (info.finfo, c0);
    }
    expect = g_malloc0 ((gsize) os * oh);
    if (yuv && p > 0) {
      for (gint c = 0; c < cn; c++)
        ref_nlmeans (ip, is, pw, ph, cn, &c, 1, expect, os, ow, oh, ox, oy,
            n, n->hc > 0 ? n->hc : n->h);
    } else {
      gint ch[4], nm = 0;
      for (gint c = 0; c < cn; c++)
        if (c != alpha)
          ch[nm++] = c;
      ref_nlmeans (ip, is, pw, ph, cn, ch, nm, expect, os, ow, oh, ox, oy, n,
          n->h);
      /* alpha and padding pass through */
      if (alpha >= 0)
        for (int y = 0; y < oh; y++)
          for (int x = 0; x < ow; x++)
            expect[y * os + x * cn + alpha] =
                ip[(y + oy) * is + (x + ox) * cn + alpha];
    }
    for (int y = 0; y < oh; y++)
      for (int x = 0; x < ow * cn; x++)
        fail_unless (op[y * os + x] == expect[y * os + x],
            "%s on %s %dx%d: plane %u (%d,%d) channel %d is %d, the "
            "reference gives %d", launch, format, w, h, p, x / cn, y, x % cn,
            op[y * os + x], expect[y * os + x]);
    g_free (expect);
  }
  gst_video_frame_unmap (&fi);
  gst_video_frame_unmap (&fo);
  gst_buffer_unref (in);
  gst_buffer_unref (out);
  g_free (launch);
}

GST_START_TEST (test_nlmeans_every_format_size_and_border)
{
  static const int sizes[][2] = { {1, 1}, {2, 3}, {23, 17}, {19, 70} };
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    for (guint z = 0; z < G_N_ELEMENTS (sizes); z++) {
      Nlm n = {.h = 9 + f,.hc = z % 2 ? 0 : 14,.patch = 3,.search = 5,
        .value = 200
      };
      n.border = (f + z) % 6;
      if (n.border == VF_TEST_BORDER_VALID && (sizes[z][0] < 16
              || sizes[z][1] < 16))
        n.border = REF_REFLECT;
      check_nlmeans (formats[f], sizes[z][0], sizes[z][1], &n, NULL);
    }
}

GST_END_TEST;

/* OpenCV's defaults and wider windows than the frame, on GRAY8 and I420,
 * every border. */
GST_START_TEST (test_nlmeans_defaults_and_small_frames)
{
  for (int b = 0; b < 5; b++) {
    Nlm n = {.h = 3 + 4 * b,.patch = 7,.search = 21,.border = b,.value = 9 };
    check_nlmeans ("GRAY8", 24, 35, &n, NULL);
    n.patch = 1;
    n.search = 1 + 2 * b;
    check_nlmeans ("I420", 10, 6, &n, NULL);
  }
}

GST_END_TEST;

/* The bytes do not depend on the thread count (search 9: 32-bit
 * weights; GRAY8 at search 15: the 16-bit-weight path). */
GST_START_TEST (test_nlmeans_threads_give_the_same_bytes)
{
  static const gchar *fmts[] = { "GRAY8", "BGRA", "NV12", "GRAY8" };
  for (guint f = 0; f < G_N_ELEMENTS (fmts); f++) {
    GstVideoInfo info;
    GstBuffer *in, *out[3];
    static const int threads[] = { 1, 2, 4 };
    gst_video_info_set_format (&info, gst_video_format_from_string (fmts[f]),
        96, 81);
    in = random_frame (&info);
    for (int t = 0; t < 3; t++) {
      gchar *launch = g_strdup_printf ("vfnlmeans h=15 patch-size=5 "
          "search-size=%d n-threads=%d", f == 3 ? 15 : 9, threads[t]);
      out[t] = push_one (launch, &info, in);
      g_free (launch);
    }
    for (int t = 1; t < 3; t++) {
      GstMapInfo m;
      gst_buffer_map (out[0], &m, GST_MAP_READ);
      fail_unless (gst_buffer_memcmp (out[t], 0, m.data, m.size) == 0,
          "%s: %d threads differ from 1", fmts[f], threads[t]);
      gst_buffer_unmap (out[0], &m);
    }
    for (int t = 0; t < 3; t++)
      gst_buffer_unref (out[t]);
    gst_buffer_unref (in);
  }
}

GST_END_TEST;

GST_START_TEST (test_nlmeans_refuses_bad_values_whole)
{
  GstElement *e = gst_element_factory_make ("vfnlmeans", NULL);
  guint patch, search;
  gdouble h;

  expect_warnings_begin ();
  g_object_set (e, "h", 8.0, "patch-size", 4, NULL);
  expect_warning ("patch-size '4' must be odd");
  g_object_set (e, "search-size", 10, NULL);
  expect_warning ("search-size '10' must be odd");
  g_object_set (e, "h", 0.0, "search-size", 5, NULL);
  expect_warning ("h '0' must be greater than 0");
  g_object_set (e, "h", 5.0, "search-size", 0, NULL);
  expect_warning ("search-size '0' is not valid (expected 1 to 71)");
  g_object_set (e, "h", -2.0, NULL);
  expect_warning ("h '-2' is not valid (expected 0 to 1000)");
  g_object_get (e, "h", &h, "patch-size", &patch, "search-size", &search, NULL);
  fail_unless_equals_float (h, 3.0);
  fail_unless_equals_int (patch, 7);
  fail_unless_equals_int (search, 21);
  expect_warnings_end ();
  gst_object_unref (e);
}

GST_END_TEST;

GST_START_TEST (test_nlmeans_live_sets_no_torn_frame)
{
  static const gchar *const sets[] = {
    "h=3 patch-size=3 search-size=5 border=reflect",
    "h=20 patch-size=5 search-size=7 border=reflect",
    "h=10 patch-size=1 search-size=9 border=constant",
  };
  stress_element_sets ("vfnlmeans", "GRAY8", sets, 3, NULL, NULL);
  stress_element_sets ("vfnlmeans", "I420", sets, 3, NULL, NULL);
}

GST_END_TEST;

HARNESS_MAIN (nlmeans,
    HARNESS_T (test_nlmeans_every_format_size_and_border),
    HARNESS_T (test_nlmeans_defaults_and_small_frames),
    HARNESS_T (test_nlmeans_threads_give_the_same_bytes),
    HARNESS_T (test_nlmeans_refuses_bad_values_whole),
    HARNESS_T (test_nlmeans_live_sets_no_torn_frame));
