/* Element tests with GstHarness: every format, tiny and odd frame sizes,
 * kernels larger than the frame, the seed's worked example, live property
 * changes with no torn frame, refused values.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

#include "ref.h"
#include "vfk.h"

static const gchar *formats[] = {
  "GRAY8", "RGB", "BGR", "RGBA", "BGRA", "RGBx", "BGRx", "xRGB", "xBGR",
  "ARGB", "ABGR", "I420", "YV12", "NV12", "NV21", "Y42B", "Y444",
};

static guint32 rng_state = 42;
static guint8
rnd8 (void)
{
  rng_state = rng_state * 1103515245u + 12345u;
  return (guint8) (rng_state >> 16);
}

/* ---- the effective kernel of an element configuration ------------------ */

typedef struct
{
  const gchar *desc;            /* for messages */
  const gchar *factory;
  int border;                   /* REF_* or 5 = valid */
  guint8 value;
  int kw, kh, ax, ay;
  int k[15 * 15];
  RefRound round;
  long div, bias;
  /* element properties, applied with one g_object_set */
  const gchar *props;
} Config;

static void
config_box (Config * c, int kw, int kh)
{
  c->factory = "vfboxblur";
  c->kw = kw;
  c->kh = kh;
  c->ax = kw / 2;
  c->ay = kh / 2;
  for (int i = 0; i < kw * kh; i++)
    c->k[i] = 1;
  c->round = REF_ROUND_HALF_UP_DIV;
  c->div = kw * kh;
  c->bias = 0;
}

static void
config_gauss (Config * c, int kw, int kh, double sigma)
{
  int32_t kx[15], ky[15];
  c->factory = "vfgaussianblur";
  c->kw = kw;
  c->kh = kh;
  c->ax = kw / 2;
  c->ay = kh / 2;
  vfk_gauss_kernel_q8 (kw, sigma, kx);
  vfk_gauss_kernel_q8 (kh, sigma, ky);
  for (int j = 0; j < kh; j++)
    for (int i = 0; i < kw; i++)
      c->k[j * kw + i] = ky[j] * kx[i];
  c->round = REF_ROUND_SHIFT16;
}

/* as written in the kernel string; convolution flips it */
static void
config_conv (Config * c, const int *w, int kw, int kh, long div, long bias,
    gboolean convolution)
{
  c->factory = "vfconvolve";
  c->kw = kw;
  c->kh = kh;
  for (int i = 0; i < kw * kh; i++)
    c->k[i] = convolution ? w[kw * kh - 1 - i] : w[i];
  c->ax = convolution ? kw - 1 - kw / 2 : kw / 2;
  c->ay = convolution ? kh - 1 - kh / 2 : kh / 2;
  c->round = REF_ROUND_HALF_UP_DIV;
  c->div = div;
  c->bias = bias;
}

static GstElement *
config_element (const Config * c)
{
  gchar *launch = g_strdup_printf ("%s %s", c->factory, c->props);
  GError *error = NULL;
  GstElement *e = gst_parse_launch (launch, &error);
  fail_unless (e != NULL, "cannot parse '%s': %s", launch,
      error ? error->message : "?");
  g_free (launch);
  return e;
}

/* ---- frames ----------------------------------------------------------------- */

static GstBuffer *
random_frame (const GstVideoInfo * info)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (gsize i = 0; i < map.size; i++)
    map.data[i] = rnd8 ();
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* Offset of the byte passed through unfiltered (alpha, or the padding of
 * xRGB-like formats), -1 for formats without one. */
static gint
alpha_offset (const GstVideoInfo * info)
{
  const GstVideoFormatInfo *finfo = info->finfo;
  if (!GST_VIDEO_FORMAT_INFO_IS_RGB (finfo) ||
      GST_VIDEO_INFO_COMP_PSTRIDE (info, 0) != 4)
    return -1;
  return GST_VIDEO_FORMAT_INFO_HAS_ALPHA (finfo) ?
      GST_VIDEO_FORMAT_INFO_POFFSET (finfo, GST_VIDEO_COMP_A) :
      6 - GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 0) -
      GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 1) -
      GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 2);
}

/* Checks `out` against the brute-force reference of `in` under c. */
static gboolean
frame_matches (const Config * c, GstBuffer * in, const GstVideoInfo * iinfo,
    GstBuffer * out, const GstVideoInfo * oinfo, gchar ** why)
{
  GstVideoFrame fi, fo;
  gboolean ok = TRUE;
  const GstVideoFormatInfo *finfo = iinfo->finfo;

  fail_unless (gst_video_frame_map (&fi, (GstVideoInfo *) iinfo, in,
          GST_MAP_READ));
  fail_unless (gst_video_frame_map (&fo, (GstVideoInfo *) oinfo, out,
          GST_MAP_READ));

  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (iinfo) && ok; p++) {
    gint comps[GST_VIDEO_MAX_COMPONENTS];
    gint c0, w, h, ow, oh, cn, ox = 0, oy = 0, alpha = -1;
    const guint8 *ip;
    guint8 *expect, *op;
    gint istride, ostride;

    gst_video_format_info_component (finfo, p, comps);
    c0 = comps[0];
    w = GST_VIDEO_INFO_COMP_WIDTH (iinfo, c0);
    h = GST_VIDEO_INFO_COMP_HEIGHT (iinfo, c0);
    ow = GST_VIDEO_INFO_COMP_WIDTH (oinfo, c0);
    oh = GST_VIDEO_INFO_COMP_HEIGHT (oinfo, c0);
    cn = GST_VIDEO_INFO_COMP_PSTRIDE (iinfo, c0);
    ip = GST_VIDEO_FRAME_PLANE_DATA (&fi, p);
    op = GST_VIDEO_FRAME_PLANE_DATA (&fo, p);
    istride = GST_VIDEO_FRAME_PLANE_STRIDE (&fi, p);
    ostride = GST_VIDEO_FRAME_PLANE_STRIDE (&fo, p);
    if (c->border == 5) {
      ox = c->ax >> GST_VIDEO_FORMAT_INFO_W_SUB (finfo, c0);
      oy = c->ay >> GST_VIDEO_FORMAT_INFO_H_SUB (finfo, c0);
    }
    alpha = alpha_offset (iinfo);

    RefKernel rk = { c->kw, c->kh, c->ax, c->ay, c->k, c->round, c->div,
      c->bias
    };
    expect = g_malloc0 ((gsize) ostride * oh);
    for (int ch = 0; ch < cn; ch++) {
      if (ch == alpha) {
        /* passed through from the pixel the output is centred on */
        for (int y = 0; y < oh; y++)
          for (int x = 0; x < ow; x++)
            expect[y * ostride + x * cn + ch] =
                ip[ref_index (y + oy, h, REF_REPLICATE) * istride +
                ref_index (x + ox, w, REF_REPLICATE) * cn + ch];
        continue;
      }
      ref_filter_plane (ip, istride, w, h, cn, ch, expect, ostride, ow, oh,
          ox, oy, c->border == 5 ? REF_REPLICATE : c->border, c->value, &rk);
    }
    for (int y = 0; y < oh && ok; y++)
      for (int x = 0; x < ow * cn && ok; x++)
        if (op[y * ostride + x] != expect[y * ostride + x]) {
          if (why)
            *why = g_strdup_printf ("%s, %s %dx%d: plane %u pixel (%d,%d) "
                "channel %d is %d, expected %d", c->desc,
                GST_VIDEO_INFO_NAME (iinfo), GST_VIDEO_INFO_WIDTH (iinfo),
                GST_VIDEO_INFO_HEIGHT (iinfo), p, x / cn, y, x % cn,
                op[y * ostride + x], expect[y * ostride + x]);
          ok = FALSE;
        }
    g_free (expect);
  }
  gst_video_frame_unmap (&fi);
  gst_video_frame_unmap (&fo);
  return ok;
}

/* Pushes one random frame of format/size through the configured element
 * and checks every output byte. */
static void
check_config (const Config * c, const gchar * format, gint w, gint h)
{
  GstVideoInfo iinfo, oinfo;
  GstElement *e = config_element (c);
  GstHarness *hs = gst_harness_new_with_element (e, "sink", "src");
  GstBuffer *in, *out;
  GstCaps *caps;
  gchar *why = NULL;

  gst_video_info_set_format (&iinfo, gst_video_format_from_string (format),
      w, h);
  caps = gst_video_info_to_caps (&iinfo);
  gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION, 30, 1, NULL);
  gst_harness_set_src_caps (hs, caps);

  in = random_frame (&iinfo);
  out = gst_harness_push_and_pull (hs, gst_buffer_ref (in));
  fail_unless (out != NULL, "%s: no output for %s %dx%d", c->desc, format, w,
      h);
  {
    GstCaps *ocaps = gst_pad_get_current_caps (hs->sinkpad);
    fail_unless (gst_video_info_from_caps (&oinfo, ocaps));
    gst_caps_unref (ocaps);
  }
  if (c->border == 5) {
    fail_unless_equals_int (GST_VIDEO_INFO_WIDTH (&oinfo), w - c->kw + 1);
    fail_unless_equals_int (GST_VIDEO_INFO_HEIGHT (&oinfo), h - c->kh + 1);
  }
  fail_unless (frame_matches (c, in, &iinfo, out, &oinfo, &why), "%s", why);
  gst_buffer_unref (in);
  gst_buffer_unref (out);
  gst_harness_teardown (hs);
  gst_object_unref (e);
}

static const int conv3[9] = { 1, 2, 0, -1, 3, 1, 0, 1, 2 };

static const int conv7x5[35] = {
  0, 1, -2, 3, 1, 0, 2,
  1, 0, 4, -1, 2, 1, 0,
  -3, 2, 5, 7, 1, -1, 2,
  0, 1, 2, 0, -2, 1, 1,
  2, 0, -1, 1, 3, 0, 1,
};

static void
make_configs (Config * cfg, int *n)
{
  int i = 0;
  memset (cfg, 0, sizeof (Config) * 8);
  config_box (&cfg[i], 5, 3);
  cfg[i].desc = "box 5x3 reflect";
  cfg[i].border = REF_REFLECT;
  cfg[i].props = "kernel-width=5 kernel-height=3";
  i++;
  config_box (&cfg[i], 4, 6);
  cfg[i].desc = "box 4x6 constant 77";
  cfg[i].border = REF_CONSTANT;
  cfg[i].value = 77;
  cfg[i].props = "kernel-width=4 kernel-height=6 border=constant "
      "border-value=77";
  i++;
  config_gauss (&cfg[i], 5, 5, 0);
  cfg[i].desc = "gauss default";
  cfg[i].border = REF_REFLECT;
  cfg[i].props = "";
  i++;
  config_gauss (&cfg[i], 7, 3, 1.5);
  cfg[i].desc = "gauss 7x3 sigma 1.5 symmetric";
  cfg[i].border = REF_SYMMETRIC;
  cfg[i].props = "kernel-width=7 kernel-height=3 sigma=1.5 border=symmetric";
  i++;
  config_conv (&cfg[i], conv3, 3, 3, 7, 10, TRUE);
  cfg[i].desc = "convolve 3x3 /7 +10 wrap";
  cfg[i].border = REF_WRAP;
  cfg[i].props = "kernel=\"1 2 0; -1 3 1; 0 1 2\" divisor=7 bias=10 "
      "border=wrap";
  i++;
  config_conv (&cfg[i], conv7x5, 7, 5, 16, -3, FALSE);
  cfg[i].desc = "correlate 7x5 /16 -3 replicate";
  cfg[i].border = REF_REPLICATE;
  cfg[i].props = "kernel=\"0 1 -2 3 1 0 2; 1 0 4 -1 2 1 0; "
      "-3 2 5 7 1 -1 2; 0 1 2 0 -2 1 1; 2 0 -1 1 3 0 1\" divisor=16 bias=-3 "
      "operation=correlation border=replicate";
  i++;
  *n = i;
}

GST_START_TEST (test_every_format_and_size_matches_reference)
{
  static const int sizes[][2] = { {1, 1}, {2, 3}, {385, 289} };
  Config cfg[8];
  int n;

  make_configs (cfg, &n);
  for (int c = 0; c < n; c++)
    for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        check_config (&cfg[c], formats[f], sizes[s][0], sizes[s][1]);
}

GST_END_TEST;

GST_START_TEST (test_kernel_larger_than_frame_every_border)
{
  static const char *names[] = { "constant", "replicate", "reflect",
    "symmetric", "wrap"
  };
  for (int b = 0; b < 5; b++)
    for (guint f = 0; f < G_N_ELEMENTS (formats); f += 4) {
      Config c = { 0 };
      gchar *props;
      config_box (&c, 15, 13);
      c.desc = "box 15x13 on a tiny frame";
      c.border = b;
      c.value = 200;
      props = g_strdup_printf ("kernel-width=15 kernel-height=13 border=%s "
          "border-value=200", names[b]);
      c.props = props;
      check_config (&c, formats[f], 2, 3);
      check_config (&c, formats[f], 1, 1);
      check_config (&c, formats[f], 5, 4);
      g_free (props);

      memset (&c, 0, sizeof c);
      config_gauss (&c, 15, 15, 0);
      c.desc = "gauss 15x15 on a tiny frame";
      c.border = b;
      c.value = 200;
      props = g_strdup_printf ("kernel-width=15 kernel-height=15 border=%s "
          "border-value=200", names[b]);
      c.props = props;
      check_config (&c, formats[f], 2, 3);
      check_config (&c, formats[f], 3, 1);
      g_free (props);
    }
}

GST_END_TEST;

GST_START_TEST (test_seed_worked_example_through_element)
{
  static const guint8 I[49] = {
    0, 1, 1, 1, 0, 0, 0,
    0, 0, 1, 1, 1, 0, 0,
    0, 0, 0, 1, 1, 1, 0,
    0, 0, 0, 1, 1, 0, 0,
    0, 0, 1, 1, 0, 0, 0,
    0, 1, 1, 0, 0, 0, 0,
    1, 1, 0, 0, 0, 0, 0,
  };
  static const guint8 IM[25] = {
    1, 4, 3, 4, 1,
    1, 2, 4, 3, 3,
    1, 2, 3, 4, 1,
    1, 3, 3, 1, 1,
    3, 3, 1, 1, 0,
  };
  GstHarness *h = gst_harness_new ("vfconvolve");
  GstVideoInfo info, oinfo;
  GstVideoFrame frame;
  GstBuffer *in, *out;
  GstCaps *caps;

  g_object_set (h->element, "kernel", "1 0 1; 0 1 0; 1 0 1", "border", 5, NULL);
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, 7, 7);
  caps = gst_video_info_to_caps (&info);
  gst_harness_set_src_caps (h, caps);

  in = gst_buffer_new_allocate (NULL, info.size, NULL);
  gst_video_frame_map (&frame, &info, in, GST_MAP_WRITE);
  for (int y = 0; y < 7; y++)
    memcpy ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
        y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), I + 7 * y, 7);
  gst_video_frame_unmap (&frame);

  out = gst_harness_push_and_pull (h, in);
  caps = gst_pad_get_current_caps (h->sinkpad);
  gst_video_info_from_caps (&oinfo, caps);
  gst_caps_unref (caps);
  fail_unless_equals_int (GST_VIDEO_INFO_WIDTH (&oinfo), 5);
  fail_unless_equals_int (GST_VIDEO_INFO_HEIGHT (&oinfo), 5);
  gst_video_frame_map (&frame, &oinfo, out, GST_MAP_READ);
  for (int y = 0; y < 5; y++)
    for (int x = 0; x < 5; x++) {
      guint8 v = ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0))[y *
          GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0) + x];
      fail_unless_equals_int_hex (v, IM[y * 5 + x]);
    }
  gst_video_frame_unmap (&frame);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_valid_border_every_format)
{
  Config c = { 0 };
  config_box (&c, 5, 3);
  c.desc = "box 5x3 valid";
  c.border = 5;
  c.props = "kernel-width=5 kernel-height=3 border=valid";
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++) {
    check_config (&c, formats[f], 385, 289);
    check_config (&c, formats[f], 6, 4);
  }
}

GST_END_TEST;

/* ---- live property changes ---------------------------------------------------- */

/* The index of the first of `n` buffers equal to `out` (size and bytes), or
 * -1. */
static int
find_equal (GstBuffer * out, GstBuffer * const *bufs, int n)
{
  GstMapInfo m;
  int found = -1;
  gst_buffer_map (out, &m, GST_MAP_READ);
  for (int i = 0; i < n && found < 0; i++)
    if (gst_buffer_get_size (bufs[i]) == m.size
        && gst_buffer_memcmp (bufs[i], 0, m.data, m.size) == 0)
      found = i;
  gst_buffer_unmap (out, &m);
  return found;
}

/* Counts a frame of parameter set `match`; TRUE once each of the n sets has
 * been seen. */
static gboolean
count_hit (int *hits, int n, int match)
{
  gboolean all = TRUE;
  hits[match]++;
  for (int s = 0; s < n; s++)
    all &= hits[s] > 0;
  return all;
}

typedef struct
{
  GstElement *element;
  volatile gint stop;
  gint changes;
} Flipper;

#define N_SETS 4
static const struct
{
  int kw, kh, border, value;
  guint threads;
} sets[N_SETS] = {
  {3, 3, REF_REFLECT, 0, 1},
  {9, 5, REF_CONSTANT, 255, 2},
  {1, 7, REF_SYMMETRIC, 0, 3},
  {15, 15, REF_WRAP, 0, 0},
};

static gpointer
flipper_main (gpointer data)
{
  Flipper *fl = data;
  int i = 0;
  while (!g_atomic_int_get (&fl->stop)) {
    int s = i++ % N_SETS;
    g_object_set (fl->element, "kernel-width", sets[s].kw, "kernel-height",
        sets[s].kh, "border", sets[s].border, "border-value", sets[s].value,
        "n-threads", sets[s].threads, NULL);
    g_atomic_int_inc (&fl->changes);
    g_usleep (200);
  }
  return NULL;
}

GST_START_TEST (test_stress_change_sizes_and_borders_no_torn_frame)
{
  GstHarness *h = gst_harness_new ("vfboxblur");
  GstVideoInfo info;
  GstBuffer *inputs[3];
  GstBuffer *expected[3][N_SETS];
  Flipper fl = { h->element, 0, 0 };
  GThread *thread;
  GstCaps *caps;
  int hits[N_SETS] = { 0 };

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGR, 48, 32);
  caps = gst_video_info_to_caps (&info);
  gst_harness_set_src_caps (h, caps);

  for (int i = 0; i < 3; i++) {
    inputs[i] = random_frame (&info);
    for (int s = 0; s < N_SETS; s++) {
      Config c = { 0 };
      GstVideoFrame fi, fo;
      RefKernel rk;
      config_box (&c, sets[s].kw, sets[s].kh);
      c.border = sets[s].border;
      c.value = sets[s].value;
      rk = (RefKernel) {
      c.kw, c.kh, c.ax, c.ay, c.k, c.round, c.div, c.bias};
      expected[i][s] = gst_buffer_new_allocate (NULL, info.size, NULL);
      gst_video_frame_map (&fi, &info, inputs[i], GST_MAP_READ);
      gst_video_frame_map (&fo, &info, expected[i][s], GST_MAP_WRITE);
      for (int ch = 0; ch < 3; ch++)
        ref_filter_plane (GST_VIDEO_FRAME_PLANE_DATA (&fi, 0),
            GST_VIDEO_FRAME_PLANE_STRIDE (&fi, 0), 48, 32, 3, ch,
            GST_VIDEO_FRAME_PLANE_DATA (&fo, 0),
            GST_VIDEO_FRAME_PLANE_STRIDE (&fo, 0), 48, 32, 0, 0, c.border,
            c.value, &rk);
      gst_video_frame_unmap (&fi);
      gst_video_frame_unmap (&fo);
    }
  }

  thread = g_thread_new ("flipper", flipper_main, &fl);
  /* at least 1000 frames, and on until the flipper has changed the set 20
   * times and every set has been seen (a busy machine may starve it) */
  for (int n = 0, seen_all = 0; n < 1000 || g_atomic_int_get (&fl.changes)
      < 20 || !seen_all; n++) {
    GstBuffer *out = gst_harness_push_and_pull (h,
        gst_buffer_ref (inputs[n % 3]));
    int match;
    fail_unless (out != NULL);
    match = find_equal (out, expected[n % 3], N_SETS);
    fail_unless (match >= 0, "frame %d is not the filter of its input under "
        "any single parameter set (torn or mixed)", n);
    seen_all = count_hit (hits, N_SETS, match);
    gst_buffer_unref (out);
    /* the test only means something if the parameters really changed */
    fail_unless (n < 100000, "after 100000 frames, %d changes and not "
        "every set seen", g_atomic_int_get (&fl.changes));
  }
  g_atomic_int_set (&fl.stop, 1);
  g_thread_join (thread);

  for (int i = 0; i < 3; i++) {
    gst_buffer_unref (inputs[i]);
    for (int s = 0; s < N_SETS; s++)
      gst_buffer_unref (expected[i][s]);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_valid_kernel_change_renegotiates_while_flowing)
{
  /* GRAY8 68x48: with kernel k the output is (69-k)x(49-k); for k = 5 and 9
   * the rows are 4-byte aligned, so the buffer size tells the geometry */
  GstHarness *h = gst_harness_new ("vfboxblur");
  GstVideoInfo info;
  GstBuffer *in;
  GstCaps *caps;
  int seen[2] = { 0 };

  g_object_set (h->element, "border", 5, "kernel-width", 5, "kernel-height",
      5, NULL);
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, 68, 48);
  caps = gst_video_info_to_caps (&info);
  gst_harness_set_src_caps (h, caps);
  in = random_frame (&info);

  for (int n = 0; n < 60; n++) {
    GstBuffer *out;
    GstVideoInfo oinfo;
    int k;
    gchar *why = NULL;
    Config c = { 0 };

    if (n % 10 == 5) {
      int nk = (n / 10) % 2 ? 5 : 9;
      g_object_set (h->element, "kernel-width", nk, "kernel-height", nk, NULL);
    }
    out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
    fail_unless (out != NULL);
    if (gst_buffer_get_size (out) == 64 * 44)
      k = 5;
    else if (gst_buffer_get_size (out) == 60 * 40)
      k = 9;
    else
      k = 0;
    fail_unless (k != 0, "frame %d has %" G_GSIZE_FORMAT " bytes", n,
        gst_buffer_get_size (out));
    seen[k == 9]++;
    gst_video_info_set_format (&oinfo, GST_VIDEO_FORMAT_GRAY8, 69 - k, 49 - k);
    config_box (&c, k, k);
    c.desc = "valid box while flowing";
    c.border = 5;
    fail_unless (frame_matches (&c, in, &info, out, &oinfo, &why), "%s", why);
    gst_buffer_unref (out);
  }
  fail_unless (seen[0] > 0 && seen[1] > 0);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- refused values --------------------------------------------------------- */

static GPtrArray *warnings;
static guint vfilter_handler;

static void
collect_vfilter_warning (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (message));
}

static void
expect_warnings_begin (void)
{
  warnings = g_ptr_array_new_with_free_func (g_free);
  /* the plugin's own domain: every refusal, range checks included */
  vfilter_handler = g_log_set_handler ("vfilter", G_LOG_LEVEL_WARNING,
      collect_vfilter_warning, warnings);
}

static void
expect_warning (const gchar * needle)
{
  gboolean found = FALSE;
  for (guint i = 0; i < warnings->len; i++)
    if (strstr (g_ptr_array_index (warnings, i), needle))
      found = TRUE;
  fail_unless (found, "no warning containing \"%s\" (got %u warnings%s%s)",
      needle, warnings->len, warnings->len ? ", first: " : "",
      warnings->len ? (gchar *) g_ptr_array_index (warnings, 0) : "");
  g_ptr_array_set_size (warnings, 0);
}

static void
expect_warnings_end (void)
{
  g_log_remove_handler ("vfilter", vfilter_handler);
  g_ptr_array_unref (warnings);
}

/* the output for `in` equals the reference under c */
static void
assert_output (GstHarness * h, const Config * c, GstBuffer * in,
    const GstVideoInfo * info)
{
  GstBuffer *out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
  gchar *why = NULL;
  fail_unless (frame_matches (c, in, info, out, info, &why), "%s", why);
  gst_buffer_unref (out);
}

GST_START_TEST (test_invalid_values_refused_old_value_kept)
{
  GstVideoInfo info;
  GstBuffer *in;
  GstHarness *h;
  Config c;
  guint kw;
  gchar *text;
  gdouble div;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 41, 23);
  in = random_frame (&info);
  expect_warnings_begin ();

  /* Gaussian: even size refused, default 5x5 stays */
  h = gst_harness_new ("vfgaussianblur");
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  g_object_set (h->element, "kernel-width", 4, NULL);
  expect_warning ("kernel-width '4' must be odd");
  g_object_get (h->element, "kernel-width", &kw, NULL);
  fail_unless_equals_int (kw, 0);
  memset (&c, 0, sizeof c);
  config_gauss (&c, 5, 5, 0);
  c.desc = "gauss after refused size";
  c.border = REF_REFLECT;
  assert_output (h, &c, in, &info);
  /* negative sigma: outside the pspec's range, refused by the element */
  g_object_set (h->element, "sigma", -2.0, NULL);
  expect_warning ("sigma '-2' is not valid (expected 0 to 170)");
  assert_output (h, &c, in, &info);
  gst_harness_teardown (h);

  /* Box: 0 is out of range */
  h = gst_harness_new ("vfboxblur");
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  g_object_set (h->element, "kernel-width", 5, "kernel-height", 5, NULL);
  g_object_set (h->element, "kernel-width", 0, NULL);
  expect_warning ("kernel-width '0' is not valid (expected 1 to");
  memset (&c, 0, sizeof c);
  config_box (&c, 5, 5);
  c.desc = "box after refused size";
  c.border = REF_REFLECT;
  assert_output (h, &c, in, &info);
  gst_harness_teardown (h);

  /* Convolve: unparsable kernel, ragged rows, divisor 0, anchor outside */
  h = gst_harness_new ("vfconvolve");
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  g_object_set (h->element, "kernel", "1 2 0; -1 3 1; 0 1 2", "divisor", 7.0,
      "bias", 10.0, "border", REF_WRAP, NULL);
  memset (&c, 0, sizeof c);
  config_conv (&c, conv3, 3, 3, 7, 10, TRUE);
  c.desc = "convolve after refused values";
  c.border = REF_WRAP;
  assert_output (h, &c, in, &info);

  g_object_set (h->element, "kernel", "1 2 x", NULL);
  expect_warning ("'x' (row 1, column 3) is not a number");
  g_object_set (h->element, "kernel", "1 2; 3", NULL);
  expect_warning ("row 2 has 1 values but row 1 has 2");
  g_object_set (h->element, "kernel", "", NULL);
  expect_warning ("is empty");
  g_object_set (h->element, "divisor", 0.0, NULL);
  expect_warning ("divisor '0' must be a number other than 0");
  g_object_set (h->element, "anchor-x", 7, NULL);
  expect_warning ("anchor (7, -1) lies outside the 3x3 kernel");

  g_object_get (h->element, "kernel", &text, "divisor", &div, NULL);
  fail_unless_equals_string (text, "1 2 0; -1 3 1; 0 1 2");
  fail_unless_equals_float (div, 7.0);
  g_free (text);
  {
    gint ax;
    g_object_get (h->element, "anchor-x", &ax, NULL);
    fail_unless_equals_int (ax, -1);
  }
  assert_output (h, &c, in, &info);
  gst_harness_teardown (h);

  expect_warnings_end ();
  gst_buffer_unref (in);
}

GST_END_TEST;

GST_START_TEST (test_several_properties_in_one_set_apply_together)
{
  /* a kernel and an anchor valid only together are accepted together */
  GstHarness *h = gst_harness_new ("vfconvolve");
  gint ax;
  g_object_set (h->element, "kernel", "1 2 3 4 5", "anchor-x", 4, NULL);
  g_object_get (h->element, "anchor-x", &ax, NULL);
  fail_unless_equals_int (ax, 4);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- vfmedian and vfbilateral ----------------------------------------------- */

static GstBuffer *
push_one (const gchar * launch, const GstVideoInfo * info, GstBuffer * in)
{
  GError *error = NULL;
  GstElement *e = gst_parse_launch (launch, &error);
  GstHarness *h;
  GstBuffer *out;
  fail_unless (e != NULL, "%s", error ? error->message : launch);
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_harness_set_src_caps (h, gst_video_info_to_caps (info));
  out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
  fail_unless (out != NULL);
  gst_harness_teardown (h);
  gst_object_unref (e);
  return out;
}

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
          gint comps[GST_VIDEO_MAX_COMPONENTS], c0, w, h, cn;
          guint8 *expect;
          gint is = GST_VIDEO_FRAME_PLANE_STRIDE (&fi, p);
          gint os = GST_VIDEO_FRAME_PLANE_STRIDE (&fo, p);
          const guint8 *ip = GST_VIDEO_FRAME_PLANE_DATA (&fi, p);
          const guint8 *op = GST_VIDEO_FRAME_PLANE_DATA (&fo, p);
          gst_video_format_info_component (info.finfo, p, comps);
          c0 = comps[0];
          w = GST_VIDEO_INFO_COMP_WIDTH (&info, c0);
          h = GST_VIDEO_INFO_COMP_HEIGHT (&info, c0);
          cn = GST_VIDEO_INFO_COMP_PSTRIDE (&info, c0);
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
        gint comps[GST_VIDEO_MAX_COMPONENTS], c0, w, h, cn, is, os;
        guint8 *expect;
        const guint8 *ip = GST_VIDEO_FRAME_PLANE_DATA (&fi, p);
        const guint8 *op = GST_VIDEO_FRAME_PLANE_DATA (&fo, p);
        gst_video_format_info_component (info.finfo, p, comps);
        c0 = comps[0];
        w = GST_VIDEO_INFO_COMP_WIDTH (&info, c0);
        h = GST_VIDEO_INFO_COMP_HEIGHT (&info, c0);
        cn = GST_VIDEO_INFO_COMP_PSTRIDE (&info, c0);
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

/* Live changes on the other elements, modes included: while a thread
 * flips whole parameter sets (each names every property any set changes),
 * every output frame must equal the output of one set, made beforehand by
 * a separate element holding that set. */
typedef struct
{
  GstElement *element;
  const gchar *const *sets;     /* "name=value name=value ..." */
  int n_sets;
  volatile gint stop;
  gint changes;
} SetFlipper;

/* One whole set: the element commits staged properties when notifications
 * are dispatched, so freezing them makes the set one change (as a single
 * g_object_set with several properties is). */
static void
apply_set (GstElement * e, const gchar * set)
{
  gchar **kv = g_strsplit (set, " ", -1);
  g_object_freeze_notify (G_OBJECT (e));
  for (gchar ** p = kv; *p; p++) {
    gchar **nv = g_strsplit (*p, "=", 2);
    gst_util_set_object_arg (G_OBJECT (e), nv[0], nv[1]);
    g_strfreev (nv);
  }
  g_object_thaw_notify (G_OBJECT (e));
  g_strfreev (kv);
}

static gpointer
set_flipper_main (gpointer data)
{
  SetFlipper *fl = data;
  int i = 0;
  while (!g_atomic_int_get (&fl->stop)) {
    apply_set (fl->element, fl->sets[i++ % fl->n_sets]);
    g_atomic_int_inc (&fl->changes);
    g_usleep (300);
  }
  return NULL;
}

static void
stress_element_sets (const gchar * factory, const gchar * format,
    const gchar * const *sets, int n_sets)
{
  GstHarness *h = gst_harness_new (factory);
  GstVideoInfo info;
  GstBuffer *inputs[2], *expected[2][8];
  SetFlipper fl = { h->element, sets, n_sets, 0, 0 };
  GThread *thread;
  int hits[8] = { 0 };

  g_assert (n_sets <= 8);
  gst_video_info_set_format (&info, gst_video_format_from_string (format),
      64, 36);
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  for (int i = 0; i < 2; i++) {
    inputs[i] = random_frame (&info);
    for (int s = 0; s < n_sets; s++) {
      gchar *launch = g_strdup_printf ("%s %s", factory, sets[s]);
      expected[i][s] = push_one (launch, &info, inputs[i]);
      g_free (launch);
    }
  }
  /* the sets must be told apart by their output */
  for (int s = 1; s < n_sets; s++) {
    int t = find_equal (expected[0][s], expected[0], s);
    fail_if (t >= 0, "%s: sets '%s' and '%s' give the same frame", factory,
        sets[s], sets[t < 0 ? 0 : t]);
  }
  apply_set (h->element, sets[0]);
  thread = g_thread_new ("set-flipper", set_flipper_main, &fl);
  /* at least 400 frames, and on until the flipper has changed the set 20
   * times and every set has been seen (a busy machine may starve it) */
  for (int n = 0, seen_all = 0; n < 400 || g_atomic_int_get (&fl.changes)
      < 20 || !seen_all; n++) {
    GstBuffer *out = gst_harness_push_and_pull (h,
        gst_buffer_ref (inputs[n % 2]));
    int match;
    fail_unless (out != NULL);
    match = find_equal (out, expected[n % 2], n_sets);
    fail_unless (match >= 0, "%s on %s: frame %d is not the output of any "
        "single parameter set (torn or mixed)", factory, format, n);
    seen_all = count_hit (hits, n_sets, match);
    gst_buffer_unref (out);
    fail_unless (n < 100000, "%s: after 100000 frames, %d changes and not "
        "every set seen", factory, g_atomic_int_get (&fl.changes));
  }
  g_atomic_int_set (&fl.stop, 1);
  g_thread_join (thread);
  for (int i = 0; i < 2; i++) {
    gst_buffer_unref (inputs[i]);
    for (int s = 0; s < n_sets; s++)
      gst_buffer_unref (expected[i][s]);
  }
  gst_harness_teardown (h);
}

GST_START_TEST (test_stress_modes_and_sizes_no_torn_frame)
{
  static const gchar *const bilateral[] = {
    "mode=exact diameter=5 sigma-color=30 sigma-space=3 border=reflect",
    "mode=fast diameter=25 sigma-color=30 sigma-space=8 border=reflect",
    "mode=fast diameter=45 sigma-color=60 sigma-space=75 border=constant",
    "mode=exact diameter=11 sigma-color=20 sigma-space=5 border=wrap",
  };
  static const gchar *const gauss[] = {
    "mode=exact kernel-width=7 kernel-height=7 sigma=0 border=reflect",
    "mode=fast kernel-width=0 kernel-height=0 sigma=2.5 border=reflect",
    "mode=fast kernel-width=0 kernel-height=0 sigma=12 border=constant",
    "mode=exact kernel-width=0 kernel-height=0 sigma=6 border=wrap",
  };
  static const gchar *const median[] = {
    "kernel-width=3 kernel-height=3 border=replicate border-value=0",
    "kernel-width=7 kernel-height=7 border=reflect border-value=0",
    "kernel-width=21 kernel-height=15 border=constant border-value=255",
    "kernel-width=1 kernel-height=9 border=wrap border-value=0",
  };
  stress_element_sets ("vfbilateral", "BGR", bilateral, 4);
  stress_element_sets ("vfbilateral", "I420", bilateral, 4);
  stress_element_sets ("vfgaussianblur", "BGRA", gauss, 4);
  stress_element_sets ("vfmedian", "NV12", median, 4);
}

GST_END_TEST;

GST_START_TEST (test_median_and_bilateral_refuse_bad_values)
{
  GstElement *m = gst_element_factory_make ("vfmedian", NULL);
  GstElement *b = gst_element_factory_make ("vfbilateral", NULL);
  guint kw;
  gint d;

  expect_warnings_begin ();
  g_object_set (m, "kernel-width", 4, NULL);
  expect_warning ("kernel-width '4' must be odd (vfmedian)");
  g_object_get (m, "kernel-width", &kw, NULL);
  fail_unless_equals_int (kw, 3);
  g_object_set (m, "kernel-height", 257, NULL);
  expect_warning ("kernel-height '257' is not valid (expected 1 to 255)");
  g_object_set (b, "diameter", -1, "sigma-space", 200.0, NULL);
  expect_warning ("sigma-space '200' with diameter '-1' gives a window");
  g_object_get (b, "diameter", &d, NULL);
  fail_unless_equals_int (d, 9);
  gst_util_set_object_arg (G_OBJECT (b), "mode", "fast");
  {
    gint mode;
    g_object_get (b, "mode", &mode, NULL);
    fail_unless_equals_int (mode, 1);
  }
  expect_warnings_end ();
  gst_object_unref (m);
  gst_object_unref (b);
}

GST_END_TEST;

static Suite *
elements_suite (void)
{
  Suite *s = suite_create ("elements");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_seed_worked_example_through_element);
  tcase_add_test (tc, test_every_format_and_size_matches_reference);
  tcase_add_test (tc, test_kernel_larger_than_frame_every_border);
  tcase_add_test (tc, test_valid_border_every_format);
  tcase_add_test (tc, test_stress_change_sizes_and_borders_no_torn_frame);
  tcase_add_test (tc, test_valid_kernel_change_renegotiates_while_flowing);
  tcase_add_test (tc, test_invalid_values_refused_old_value_kept);
  tcase_add_test (tc, test_several_properties_in_one_set_apply_together);
  tcase_add_test (tc, test_median_every_format_and_size);
  tcase_add_test (tc, test_bilateral_rgb_formats_and_sizes);
  tcase_add_test (tc, test_bilateral_yuv_uses_luma_as_guide);
  tcase_add_test (tc, test_bilateral_fast_every_format_keeps_edges);
  tcase_add_test (tc, test_stress_modes_and_sizes_no_torn_frame);
  tcase_add_test (tc, test_median_and_bilateral_refuse_bad_values);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (elements);
