/* vfbilateral: RGB formats and sizes against the brute-force bilateral,
 * YUV with the luma plane as guide, mode=fast keeping edges on every
 * format, refused values, live changes with no torn frame.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <math.h>
#include <string.h>

#include "harness.h"

GST_START_TEST (test_bilateral_rgb_formats_and_sizes)
{
  static const gchar *rgb[] = { "GRAY8", "RGB", "BGR", "RGBA", "BGRx", "xRGB",
    "ARGB", "ABGR"
  };
  static const int sizes[][2] = { {1, 1}, {2, 3}, {37, 29} };
  for (guint f = 0; f < G_N_ELEMENTS (rgb); f++)
    for (guint z = 0; z < G_N_ELEMENTS (sizes); z++) {
      GstVideoInfo info;
      GstBuffer *in, *out;
      GstVideoFrame fi, fo;
      gint alpha, cn, is, os, w = sizes[z][0], h = sizes[z][1];
      guint mask;
      guint8 *expect;
      gst_video_info_set_format (&info, gst_video_format_from_string (rgb[f]),
          w, h);
      alpha = alpha_offset (&info);
      cn = GST_VIDEO_INFO_COMP_PSTRIDE (&info, 0);
      mask = ((1u << cn) - 1) & ~(alpha >= 0 ? 1u << alpha : 0);
      in = random_frame (&info);
      out = push_one ("vfbilateral diameter=7 sigma-color=30 sigma-space=4 "
          "border=symmetric", &info, in);
      gst_video_frame_map (&fi, &info, in, GST_MAP_READ);
      gst_video_frame_map (&fo, &info, out, GST_MAP_READ);
      is = GST_VIDEO_FRAME_PLANE_STRIDE (&fi, 0);
      os = GST_VIDEO_FRAME_PLANE_STRIDE (&fo, 0);
      expect = g_malloc ((gsize) os * h);
      ref_bilateral_plane (GST_VIDEO_FRAME_PLANE_DATA (&fi, 0), is, w, h, cn,
          mask, expect, os, REF_SYMMETRIC, 0, 3, 30, 4);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w * cn; x++) {
          gint got = ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fo, 0))[y * os +
              x];
          gint want = x % cn == alpha ?
              ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fi, 0))[y * is + x] :
              expect[y * os + x];
          fail_unless (ABS (got - want) <= (x % cn == alpha ? 0 : 1),
              "vfbilateral on %s %dx%d: (%d,%d) ch %d is %d, float64 gives %d",
              rgb[f], w, h, x / cn, y, x % cn, got, want);
        }
      g_free (expect);
      gst_video_frame_unmap (&fi);
      gst_video_frame_unmap (&fo);
      gst_buffer_unref (in);
      gst_buffer_unref (out);
    }
}

GST_END_TEST;

/* distance=luma on RGB-like formats: the BT.601 luma of R, G, B (made
 * here, from the format's own component offsets) guides the weights of
 * every colour channel, as the luma plane does for YUV; alpha and padding
 * pass through.  exact: within 1 of the float64 guided reference; fast:
 * PSNR >= 40 dB against exact; YUV and GRAY8: the same bytes as
 * distance=color. */
GST_START_TEST (test_bilateral_distance_luma)
{
  static const gchar *rgb[] = { "RGB", "BGR", "RGBA", "ABGR", "xRGB",
    "BGRx"
  };
  static const int sizes[][2] = { {1, 1}, {2, 3}, {67, 41} };
  for (guint f = 0; f < G_N_ELEMENTS (rgb); f++)
    for (guint z = 0; z < G_N_ELEMENTS (sizes); z++) {
      const gint w = sizes[z][0], h = sizes[z][1];
      GstVideoInfo info;
      GstBuffer *in, *out;
      GstVideoFrame fi, fo;
      gint cn, is, os, alpha, off[3];
      guint8 *luma, *expect;
      gst_video_info_set_format (&info, gst_video_format_from_string (rgb[f]),
          w, h);
      in = random_frame (&info);
      out = push_one ("vfbilateral diameter=7 sigma-color=20 sigma-space=4 "
          "distance=luma", &info, in);
      gst_video_frame_map (&fi, &info, in, GST_MAP_READ);
      gst_video_frame_map (&fo, &info, out, GST_MAP_READ);
      cn = GST_VIDEO_INFO_COMP_PSTRIDE (&info, 0);
      is = GST_VIDEO_FRAME_PLANE_STRIDE (&fi, 0);
      os = GST_VIDEO_FRAME_PLANE_STRIDE (&fo, 0);
      alpha = alpha_offset (&info);
      for (int c = 0; c < 3; c++)
        off[c] = GST_VIDEO_FORMAT_INFO_POFFSET (info.finfo, c);
      luma = g_malloc ((gsize) w * h);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
          const guint8 *px = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fi,
              0) + y * is + x * cn;
          luma[y * w + x] = (guint8) ((77 * px[off[0]] + 150 * px[off[1]]
                  + 29 * px[off[2]] + 128) >> 8);
        }
      expect = g_malloc ((gsize) os * h);
      ref_bilateral_guided (GST_VIDEO_FRAME_PLANE_DATA (&fi, 0), is, w, h, cn,
          luma, w, 1, expect, os, REF_REFLECT, 0, 3, 20, 4);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w * cn; x++) {
          const guint8 *ip = GST_VIDEO_FRAME_PLANE_DATA (&fi, 0);
          const guint8 *op = GST_VIDEO_FRAME_PLANE_DATA (&fo, 0);
          gint want = x % cn == alpha ? ip[y * is + x] : expect[y * os + x];
          fail_unless (ABS (op[y * os + x] - want) <= (x % cn == alpha ? 0 :
                  1), "distance=luma on %s %dx%d: (%d,%d) channel %d is %d, "
              "the luma-guided float64 reference gives %d", rgb[f], w, h,
              x / cn, y, x % cn, op[y * os + x], want);
        }
      gst_video_frame_unmap (&fi);
      gst_video_frame_unmap (&fo);
      gst_buffer_unref (out);
      if (z == 2) {
        /* fast against exact, both luma, on a camera-like frame of
         * 160x120 (shaded, a disc, mild noise: the promise is for
         * pictures, not noise) */
        GstVideoInfo big;
        GstBuffer *pic, *ex, *fa;
        GstMapInfo mi, me, mf;
        double se = 0, psnr;
        gst_video_info_set_format (&big, GST_VIDEO_INFO_FORMAT (&info), 160,
            120);
        pic = gst_buffer_new_allocate (NULL, big.size, NULL);
        gst_buffer_map (pic, &mi, GST_MAP_WRITE);
        for (gsize i = 0; i < mi.size; i++) {
          const int st = GST_VIDEO_INFO_PLANE_STRIDE (&big, 0);
          const int x = (int) (i % st) / cn, y = (int) (i / st);
          int v = 40 + x / 2 + y / 2 + (int) (i % cn) * 20 + (rnd8 () & 7);
          if ((x - 80) * (x - 80) + (y - 60) * (y - 60) < 900)
            v += 80;
          mi.data[i] = (guint8) MIN (v, 255);
        }
        gst_buffer_unmap (pic, &mi);
        ex = push_one ("vfbilateral diameter=15 sigma-color=20 "
            "distance=luma", &big, pic);
        fa = push_one ("vfbilateral diameter=15 sigma-color=20 "
            "distance=luma mode=fast", &big, pic);
        gst_buffer_map (ex, &me, GST_MAP_READ);
        gst_buffer_map (fa, &mf, GST_MAP_READ);
        for (gsize i = 0; i < me.size; i++)
          se += (double) (me.data[i] - mf.data[i]) * (me.data[i] - mf.data[i]);
        psnr = 10 * log10 (255.0 * 255.0 / MAX (se / me.size, 1e-12));
        fail_unless (psnr >= 40, "%s: fast vs exact (luma) %.1f dB", rgb[f],
            psnr);
        gst_buffer_unmap (ex, &me);
        gst_buffer_unmap (fa, &mf);
        gst_buffer_unref (ex);
        gst_buffer_unref (fa);
        gst_buffer_unref (pic);
      }
      g_free (luma);
      g_free (expect);
      gst_buffer_unref (in);
    }
  {
    static const gchar *same[] = { "GRAY8", "I420", "NV12", "YUY2" };
    for (guint f = 0; f < G_N_ELEMENTS (same); f++) {
      GstVideoInfo info;
      GstBuffer *in, *a, *b;
      gst_video_info_set_format (&info, gst_video_format_from_string (same[f]),
          46, 30);
      in = random_frame (&info);
      a = push_one ("vfbilateral diameter=7 distance=luma", &info, in);
      b = push_one ("vfbilateral diameter=7", &info, in);
      fail_unless (frames_equal (&info, a, b), "%s: distance=luma changed "
          "the output", same[f]);
      gst_buffer_unref (in);
      gst_buffer_unref (a);
      gst_buffer_unref (b);
    }
  }
}

GST_END_TEST;

GST_START_TEST (test_bilateral_yuv_uses_luma_as_guide)
{
  static const gchar *yuv[] = { "I420", "YV12", "NV12", "NV21", "Y42B",
    "Y444"
  };
  static const int sizes[][2] = { {1, 1}, {2, 3}, {37, 29} };
  for (guint f = 0; f < G_N_ELEMENTS (yuv); f++)
    for (guint z = 0; z < G_N_ELEMENTS (sizes); z++) {
      GstVideoInfo info;
      GstBuffer *in, *out;
      GstVideoFrame fi, fo;
      gst_video_info_set_format (&info, gst_video_format_from_string (yuv[f]),
          sizes[z][0], sizes[z][1]);
      in = random_frame (&info);
      out = push_one ("vfbilateral diameter=5 sigma-color=25 sigma-space=3 "
          "border=reflect", &info, in);
      gst_video_frame_map (&fi, &info, in, GST_MAP_READ);
      gst_video_frame_map (&fo, &info, out, GST_MAP_READ);
      for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (&info); p++) {
        gint c0, w, h, cn, is, os;
        guint8 *expect;
        const guint8 *ip = GST_VIDEO_FRAME_PLANE_DATA (&fi, p);
        const guint8 *op = GST_VIDEO_FRAME_PLANE_DATA (&fo, p);
        c0 = plane_geometry (&info, p, &w, &h, &cn);
        is = GST_VIDEO_FRAME_PLANE_STRIDE (&fi, p);
        os = GST_VIDEO_FRAME_PLANE_STRIDE (&fo, p);
        expect = g_malloc ((gsize) os * h);
        if (p == 0)
          ref_bilateral_plane (ip, is, w, h, cn, 1, expect, os, REF_REFLECT,
              0, 2, 25, 3);
        else
          ref_bilateral_guided (ip, is, w, h, cn,
              GST_VIDEO_FRAME_PLANE_DATA (&fi, 0),
              GST_VIDEO_FRAME_PLANE_STRIDE (&fi, 0) <<
              GST_VIDEO_FORMAT_INFO_H_SUB (info.finfo, c0),
              1 << GST_VIDEO_FORMAT_INFO_W_SUB (info.finfo, c0), expect, os,
              REF_REFLECT, 0, 2, 25, 3);
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w * cn; x++)
            fail_unless (ABS (op[y * os + x] - expect[y * os + x]) <= 1,
                "vfbilateral on %s %dx%d: plane %u (%d,%d) is %d, the "
                "luma-guided float64 reference gives %d", yuv[f],
                sizes[z][0], sizes[z][1], p, x, y, op[y * os + x],
                expect[y * os + x]);
        g_free (expect);
      }
      gst_video_frame_unmap (&fi);
      gst_video_frame_unmap (&fo);
      gst_buffer_unref (in);
      gst_buffer_unref (out);
    }
}

GST_END_TEST;

/* mode=fast on every format: two flat regions a step of 100 apart (each
 * component its own levels, sigma-color 10) come out unchanged, whatever
 * the frame size, border or diameter: nothing bleeds over the edge, flat
 * stays flat, chroma follows the luma edge. */
GST_START_TEST (test_bilateral_fast_every_format_keeps_edges)
{
  static const int sizes[][2] = { {1, 1}, {2, 3}, {37, 29}, {96, 54} };
  static const gchar *borders[] = { "constant", "replicate", "reflect",
    "symmetric", "wrap", "valid"
  };
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    for (guint z = 0; z < G_N_ELEMENTS (sizes); z++) {
      GstVideoInfo info;
      GstBuffer *in, *out;
      GstVideoFrame fi, fo;
      gchar *launch;
      const int d = 5 + 20 * (int) (z % 3);
      const gchar *border = borders[(f + z) % G_N_ELEMENTS (borders)];
      if (strcmp (border, "valid") == 0 && sizes[z][1] < 2 * d)
        border = "reflect";     /* no output at all */
      gst_video_info_set_format (&info,
          gst_video_format_from_string (formats[f]), sizes[z][0], sizes[z][1]);
      in = gst_buffer_new_allocate (NULL, info.size, NULL);
      gst_video_frame_map (&fi, &info, in, GST_MAP_WRITE);
      for (guint c = 0; c < GST_VIDEO_INFO_N_COMPONENTS (&info); c++) {
        guint8 *p = GST_VIDEO_FRAME_COMP_DATA (&fi, c);
        const gint ps = GST_VIDEO_FRAME_COMP_PSTRIDE (&fi, c);
        const gint st = GST_VIDEO_FRAME_COMP_STRIDE (&fi, c);
        const gint w = GST_VIDEO_FRAME_COMP_WIDTH (&fi, c);
        const gint h = GST_VIDEO_FRAME_COMP_HEIGHT (&fi, c);
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++)
            p[y * st + x * ps] = (guint8) (30 + 10 * c +
                (2 * x >= w ? 100 : 0));
      }
      gst_video_frame_unmap (&fi);
      launch = g_strdup_printf ("vfbilateral mode=fast diameter=%d "
          "sigma-color=10 sigma-space=%d border=%s border-value=255", d,
          d / 3, border);
      out = push_one (launch, &info, in);
      fail_unless (out != NULL);
      /* valid: a smaller frame (its geometry is tested elsewhere); it ran */
      if (strcmp (border, "valid") != 0) {
        gst_video_frame_map (&fi, &info, in, GST_MAP_READ);
        gst_video_frame_map (&fo, &info, out, GST_MAP_READ);
        for (guint c = 0; c < GST_VIDEO_INFO_N_COMPONENTS (&info); c++) {
          const guint8 *ip = GST_VIDEO_FRAME_COMP_DATA (&fi, c);
          const guint8 *op = GST_VIDEO_FRAME_COMP_DATA (&fo, c);
          const gint ps = GST_VIDEO_FRAME_COMP_PSTRIDE (&fi, c);
          const gint st = GST_VIDEO_FRAME_COMP_STRIDE (&fi, c);
          for (int y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (&fi, c); y++)
            for (int x = 0; x < GST_VIDEO_FRAME_COMP_WIDTH (&fi, c); x++)
              fail_unless (op[y * st + x * ps] == ip[y * st + x * ps],
                  "%s %dx%d border %s d %d: component %u (%d,%d) is %d, "
                  "not %d", formats[f], sizes[z][0], sizes[z][1], border, d,
                  c, x, y, op[y * st + x * ps], ip[y * st + x * ps]);
        }
        gst_video_frame_unmap (&fi);
        gst_video_frame_unmap (&fo);
      }
      g_free (launch);
      gst_buffer_unref (in);
      gst_buffer_unref (out);
    }
}

GST_END_TEST;

GST_START_TEST (test_bilateral_refuses_bad_values)
{
  GstElement *b = gst_element_factory_make ("vfbilateral", NULL);
  gint d, mode;

  expect_warnings_begin ();
  g_object_set (b, "diameter", -1, "sigma-space", 200.0, NULL);
  expect_warning ("sigma-space '200' with diameter '-1' gives a window");
  g_object_get (b, "diameter", &d, NULL);
  fail_unless_equals_int (d, 9);
  gst_util_set_object_arg (G_OBJECT (b), "mode", "fast");
  g_object_get (b, "mode", &mode, NULL);
  fail_unless_equals_int (mode, 1);
  expect_warnings_end ();
  gst_object_unref (b);
}

GST_END_TEST;

GST_START_TEST (test_stress_modes_and_sizes_no_torn_frame)
{
  static const gchar *const bilateral[] = {
    "mode=exact diameter=5 sigma-color=30 sigma-space=3 border=reflect",
    "mode=fast diameter=25 sigma-color=30 sigma-space=8 border=reflect",
    "mode=fast diameter=45 sigma-color=60 sigma-space=75 border=constant",
    "mode=exact diameter=11 sigma-color=20 sigma-space=5 border=wrap",
  };
  stress_element_sets ("vfbilateral", "BGR", bilateral, 4, NULL, NULL);
  stress_element_sets ("vfbilateral", "I420", bilateral, 4, NULL, NULL);
}

GST_END_TEST;


HARNESS_MAIN (bilateral,
    HARNESS_T (test_bilateral_rgb_formats_and_sizes),
    HARNESS_T (test_bilateral_yuv_uses_luma_as_guide),
    HARNESS_T (test_bilateral_fast_every_format_keeps_edges),
    HARNESS_T (test_bilateral_distance_luma),
    HARNESS_T (test_bilateral_refuses_bad_values),
    HARNESS_T (test_stress_modes_and_sizes_no_torn_frame));
