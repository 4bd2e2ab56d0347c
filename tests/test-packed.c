/* Packed 4:2:2 (YUY2, UYVY, YVYU), what most USB cameras deliver and
 * virtual-camera readers want: every element filters the luma and the two
 * chromas each at its own resolution, as it does Y42B.  The linear
 * elements against the brute-force reference directly; every element (all
 * modes, all borders, odd widths, a stream of frames for the ones with a
 * history) against its own Y42B output of the same planes, which the
 * element's test checks against its brute-force reference.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

#include "harness.h"

static const int sizes[][2] = { {1, 1}, {2, 3}, {9, 4}, {33, 17}, {64, 9} };

static const gchar *const border_names[] = { "constant", "replicate",
  "reflect", "symmetric", "wrap", "valid"
};

GST_START_TEST (test_linear_against_brute_force)
{
  for (guint f = 0; f < N_PACKED_FORMATS; f++)
    for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
      for (int b = 0; b < 6; b++) {
        Config cs[3];
        memset (cs, 0, sizeof cs);
        config_box (&cs[0], 3, 5);
        config_gauss (&cs[1], 5, 5, 0);
        config_conv (&cs[2], conv3, 3, 3, 7, 3, TRUE);
        for (guint k = 0; k < G_N_ELEMENTS (cs); k++) {
          Config *c = &cs[k];
          gchar *props;
          if (b == VF_TEST_BORDER_VALID
              && (sizes[z][0] < c->kw || sizes[z][1] < c->kh))
            continue;
          c->border = b;
          c->value = 77;
          props = g_strdup_printf ("%s border=%s border-value=77",
              k == 0 ? "kernel-width=3 kernel-height=5" :
              k == 1 ? "kernel-width=5 kernel-height=5" :
              "kernel=\"1 2 0; -1 3 1; 0 1 2\" divisor=7 bias=3",
              border_names[b]);
          c->props = props;
          c->desc = c->factory;
          check_config (c, packed_formats[f], sizes[z][0], sizes[z][1]);
          g_free (props);
        }
      }
}

GST_END_TEST;

/* The same frame as Y42B: the test's own unpacking, by the components'
 * offsets and pixel strides. */
static void
to_planar (const GstVideoInfo * pinfo, GstBuffer * packed,
    const GstVideoInfo * yinfo, GstBuffer * planar, gboolean to)
{
  GstVideoFrame fp, fy;
  fail_unless (gst_video_frame_map (&fp, (GstVideoInfo *) pinfo, packed,
          to ? GST_MAP_READ : GST_MAP_WRITE));
  fail_unless (gst_video_frame_map (&fy, (GstVideoInfo *) yinfo, planar,
          to ? GST_MAP_WRITE : GST_MAP_READ));
  for (gint c = 0; c < 3; c++) {
    guint8 *pd = GST_VIDEO_FRAME_COMP_DATA (&fp, c);
    guint8 *yd = GST_VIDEO_FRAME_COMP_DATA (&fy, c);
    gint ps = GST_VIDEO_FRAME_COMP_STRIDE (&fp, c);
    gint ys = GST_VIDEO_FRAME_COMP_STRIDE (&fy, c);
    gint pp = GST_VIDEO_FRAME_COMP_PSTRIDE (&fp, c);
    for (gint y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (&fp, c); y++)
      for (gint x = 0; x < GST_VIDEO_FRAME_COMP_WIDTH (&fp, c); x++)
        if (to)
          yd[y * ys + x] = pd[y * ps + x * pp];
        else
          pd[y * ps + x * pp] = yd[y * ys + x];
  }
  gst_video_frame_unmap (&fp);
  gst_video_frame_unmap (&fy);
}

static GstVideoInfo
current_info (GstHarness * h)
{
  GstVideoInfo info;
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_caps_unref (caps);
  return info;
}

/* n_frames random frames through `launch` as packed and as Y42B: every
 * output sample equal, the output size as Y42B's. */
static void
check_as_y42b (const gchar * launch, const gchar * format, gint w, gint h,
    int n_frames)
{
  GstVideoInfo pinfo, yinfo;
  GstHarness *hp, *hy;

  gst_video_info_set_format (&pinfo, gst_video_format_from_string (format),
      w, h);
  gst_video_info_set_format (&yinfo, GST_VIDEO_FORMAT_Y42B, w, h);
  hp = harness_for (launch, &pinfo);
  hy = harness_for (launch, &yinfo);
  for (int n = 0; n < n_frames; n++) {
    GstBuffer *in = random_frame (&pinfo);
    GstBuffer *yin = gst_buffer_new_allocate (NULL, yinfo.size, NULL);
    GstBuffer *out, *yout, *expect;
    GstVideoInfo po, yo;
    to_planar (&pinfo, in, &yinfo, yin, TRUE);
    out = gst_harness_push_and_pull (hp, in);
    yout = gst_harness_push_and_pull (hy, yin);
    fail_unless (out && yout, "%s: no output for %s %dx%d", launch, format,
        w, h);
    po = current_info (hp);
    yo = current_info (hy);
    fail_unless (po.width == yo.width && po.height == yo.height,
        "%s %s %dx%d: output %dx%d, as Y42B %dx%d", launch, format, w, h,
        po.width, po.height, yo.width, yo.height);
    /* the Y42B output packed by the test, compared sample by sample */
    expect = gst_buffer_copy_deep (out);
    to_planar (&po, expect, &yo, yout, FALSE);
    {
      GstVideoFrame fa, fb;
      gst_video_frame_map (&fa, &po, out, GST_MAP_READ);
      gst_video_frame_map (&fb, &po, expect, GST_MAP_READ);
      for (gint c = 0; c < 3; c++) {
        const guint8 *a = GST_VIDEO_FRAME_COMP_DATA (&fa, c);
        const guint8 *b = GST_VIDEO_FRAME_COMP_DATA (&fb, c);
        gint s = GST_VIDEO_FRAME_COMP_STRIDE (&fa, c);
        gint pp = GST_VIDEO_FRAME_COMP_PSTRIDE (&fa, c);
        for (gint y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (&fa, c); y++)
          for (gint x = 0; x < GST_VIDEO_FRAME_COMP_WIDTH (&fa, c); x++)
            fail_unless (a[y * s + x * pp] == b[y * s + x * pp],
                "%s, %s %dx%d frame %d: component %d (%d,%d) is %d, as Y42B "
                "%d", launch, format, w, h, n, c, x, y, a[y * s + x * pp],
                b[y * s + x * pp]);
      }
      gst_video_frame_unmap (&fa);
      gst_video_frame_unmap (&fb);
    }
    gst_buffer_unref (out);
    gst_buffer_unref (yout);
    gst_buffer_unref (expect);
  }
  gst_harness_teardown (hp);
  gst_harness_teardown (hy);
}

GST_START_TEST (test_every_element_as_y42b)
{
  static const struct
  {
    const gchar *launch;
    int kernel;                 /* side: border=valid needs that much frame */
    int frames;
  } els[] = {
    {"vfboxblur kernel-width=5 kernel-height=3", 5, 1},
    {"vfgaussianblur", 5, 1},
    {"vfgaussianblur mode=fast sigma=5", 31, 1},
    {"vfconvolve kernel=\"0 1 0; 1 4 1; 0 1 0\"", 3, 1},
    {"vfmedian kernel-width=5 kernel-height=5", 5, 1},
    {"vfbilateral diameter=5 sigma-color=30", 5, 1},
    {"vfbilateral mode=fast diameter=15 sigma-color=20", 15, 1},
    {"vfnlmeans h=10 patch-size=3 search-size=7", 9, 1},
    {"vftemporal", 1, 4},
  };
  for (guint e = 0; e < G_N_ELEMENTS (els); e++)
    for (guint f = 0; f < N_PACKED_FORMATS; f++)
      for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
        for (int b = 0; b < 6; b++) {
          gchar *launch;
          if (b == VF_TEST_BORDER_VALID && (sizes[z][0] < els[e].kernel
                  || sizes[z][1] < els[e].kernel))
            continue;
          launch = g_strdup_printf ("%s border=%s border-value=9",
              els[e].launch, border_names[b]);
          check_as_y42b (launch, packed_formats[f], sizes[z][0], sizes[z][1],
              els[e].frames);
          g_free (launch);
        }
}

GST_END_TEST;

/* No converter needed: a YUY2 camera's caps pass through every element. */
GST_START_TEST (test_caps_pass_through)
{
  static const gchar *const factories[] = { "vfboxblur", "vfgaussianblur",
    "vfconvolve", "vfmedian", "vfbilateral", "vfnlmeans", "vftemporal"
  };
  for (guint e = 0; e < G_N_ELEMENTS (factories); e++)
    for (guint f = 0; f < N_PACKED_FORMATS; f++) {
      GstElement *el = gst_element_factory_make (factories[e], NULL);
      GstPad *sink = gst_element_get_static_pad (el, "sink");
      gchar *s = g_strdup_printf ("video/x-raw,format=%s,width=1280,"
          "height=720,framerate=30/1", packed_formats[f]);
      GstCaps *caps = gst_caps_from_string (s);
      fail_unless (gst_pad_query_accept_caps (sink, caps), "%s refuses %s",
          factories[e], s);
      gst_caps_unref (caps);
      g_free (s);
      gst_object_unref (sink);
      gst_object_unref (el);
    }
}

GST_END_TEST;

HARNESS_MAIN (packed, HARNESS_T (test_linear_against_brute_force),
    HARNESS_T (test_every_element_as_y42b), HARNESS_T (test_caps_pass_through))
