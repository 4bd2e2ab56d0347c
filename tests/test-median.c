/* vfmedian: every format and size against sorting the window, refused
 * values, live changes with no torn frame.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

#include "harness.h"

GST_START_TEST (test_median_every_format_and_size)
{
  static const int sizes[][2] = { {1, 1}, {2, 3}, {385, 289} };
  static const struct
  {
    int kw, kh, border;
    const gchar *props;
  } cfgs[] = {
    {3, 3, REF_REPLICATE, ""},  /* the default border */
    {5, 3, REF_REFLECT, "kernel-width=5 kernel-height=3 border=reflect"},
    {15, 17, REF_CONSTANT, "kernel-width=15 kernel-height=17 border=constant "
          "border-value=200"},
  };
  for (guint k = 0; k < G_N_ELEMENTS (cfgs); k++)
    for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
      for (guint z = 0; z < G_N_ELEMENTS (sizes); z++) {
        GstVideoInfo info;
        GstBuffer *in, *out;
        GstVideoFrame fi, fo;
        gchar *launch = g_strdup_printf ("vfmedian %s", cfgs[k].props);
        gint alpha;
        if (k == 2 && z == 2)
          continue;             /* brute force too slow there */
        gst_video_info_set_format (&info,
            gst_video_format_from_string (formats[f]), sizes[z][0],
            sizes[z][1]);
        alpha = alpha_offset (&info);
        in = random_frame (&info);
        out = push_one (launch, &info, in);
        gst_video_frame_map (&fi, &info, in, GST_MAP_READ);
        gst_video_frame_map (&fo, &info, out, GST_MAP_READ);
        for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (&info); p++) {
          gint w, h, cn;
          guint8 *expect;
          gint is = GST_VIDEO_FRAME_PLANE_STRIDE (&fi, p);
          gint os = GST_VIDEO_FRAME_PLANE_STRIDE (&fo, p);
          const guint8 *ip = GST_VIDEO_FRAME_PLANE_DATA (&fi, p);
          const guint8 *op = GST_VIDEO_FRAME_PLANE_DATA (&fo, p);
          plane_geometry (&info, p, &w, &h, &cn);
          expect = g_malloc ((gsize) os * h);
          for (int ch = 0; ch < cn; ch++)
            if (ch != alpha)
              ref_median_plane (ip, is, w, h, cn, ch, expect, os, w, h, 0, 0,
                  cfgs[k].border, 200, cfgs[k].kw, cfgs[k].kh);
            else
              for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                  expect[y * os + x * cn + ch] = ip[y * is + x * cn + ch];
          for (int y = 0; y < h; y++)
            fail_unless (memcmp (op + y * os, expect + y * os, w * cn) == 0,
                "vfmedian %s on %s %dx%d: plane %u row %d differs from the "
                "sorted windows", cfgs[k].props, formats[f], sizes[z][0],
                sizes[z][1], p, y);
          g_free (expect);
        }
        gst_video_frame_unmap (&fi);
        gst_video_frame_unmap (&fo);
        gst_buffer_unref (in);
        gst_buffer_unref (out);
        g_free (launch);
      }
}

GST_END_TEST;

GST_START_TEST (test_median_refuses_bad_values)
{
  GstElement *m = gst_element_factory_make ("vfmedian", NULL);
  guint kw;

  expect_warnings_begin ();
  g_object_set (m, "kernel-width", 4, NULL);
  expect_warning ("kernel-width '4' must be odd (vfmedian)");
  g_object_get (m, "kernel-width", &kw, NULL);
  fail_unless_equals_int (kw, 3);
  g_object_set (m, "kernel-height", 257, NULL);
  expect_warning ("kernel-height '257' is not valid (expected 1 to 255)");
  expect_warnings_end ();
  gst_object_unref (m);
}

GST_END_TEST;

GST_START_TEST (test_stress_sizes_and_borders_no_torn_frame)
{
  static const gchar *const median[] = {
    "kernel-width=3 kernel-height=3 border=replicate border-value=0",
    "kernel-width=7 kernel-height=7 border=reflect border-value=0",
    "kernel-width=21 kernel-height=15 border=constant border-value=255",
    "kernel-width=1 kernel-height=9 border=wrap border-value=0",
  };
  stress_element_sets ("vfmedian", "NV12", median, 4, NULL, NULL);
}

GST_END_TEST;


HARNESS_MAIN (median,
    HARNESS_T (test_median_every_format_and_size),
    HARNESS_T (test_median_refuses_bad_values),
    HARNESS_T (test_stress_sizes_and_borders_no_torn_frame));
