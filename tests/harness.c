/* What the element tests share: frames, the brute-force reference of the
 * linear filters, warnings, and the one stress harness for live changes.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

#include "harness.h"

const gchar *const formats[N_FORMATS] = {
  "GRAY8", "RGB", "BGR", "RGBA", "BGRA", "RGBx", "BGRx", "xRGB", "xBGR",
  "ARGB", "ABGR", "I420", "YV12", "NV12", "NV21", "Y42B", "Y444",
};

const gchar *const packed_formats[N_PACKED_FORMATS] = { "YUY2", "UYVY",
  "YVYU"
};

static guint32 rng_state = 42;
guint8
rnd8 (void)
{
  rng_state = rng_state * 1103515245u + 12345u;
  return (guint8) (rng_state >> 16);
}

void
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

void
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
void
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

GstElement *
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

gint
plane_geometry (const GstVideoInfo * info, guint p, gint * w, gint * h,
    gint * cn)
{
  gint comps[GST_VIDEO_MAX_COMPONENTS];
  gst_video_format_info_component (info->finfo, p, comps);
  *w = GST_VIDEO_INFO_COMP_WIDTH (info, comps[0]);
  *h = GST_VIDEO_INFO_COMP_HEIGHT (info, comps[0]);
  *cn = GST_VIDEO_INFO_COMP_PSTRIDE (info, comps[0]);
  return comps[0];
}

GstBuffer *
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

gboolean
is_packed_422 (const GstVideoInfo * info)
{
  return GST_VIDEO_INFO_IS_YUV (info) && GST_VIDEO_INFO_N_PLANES (info) == 1
      && GST_VIDEO_INFO_N_COMPONENTS (info) == 3;
}

/* The visible samples of two frames of `info` are equal (row padding is
 * not part of a picture). */
gboolean
frames_equal (const GstVideoInfo * info, GstBuffer * a, GstBuffer * b)
{
  GstVideoFrame fa, fb;
  gboolean eq = TRUE;
  gst_video_frame_map (&fa, info, a, GST_MAP_READ);
  gst_video_frame_map (&fb, info, b, GST_MAP_READ);
  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++) {
    gint w, h, cn;
    plane_geometry (info, p, &w, &h, &cn);
    for (gint y = 0; y < h && eq; y++)
      eq = memcmp ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fa, p) +
          y * GST_VIDEO_FRAME_PLANE_STRIDE (&fa, p),
          (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fb, p) +
          y * GST_VIDEO_FRAME_PLANE_STRIDE (&fb, p), (gsize) w * cn) == 0;
  }
  gst_video_frame_unmap (&fa);
  gst_video_frame_unmap (&fb);
  return eq;
}

/* Offset of the byte passed through unfiltered (alpha, or the padding of
 * xRGB-like formats), -1 for formats without one. */
gint
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
gboolean
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

  /* a view per plane; packed 4:2:2 (one plane, three components): a view
   * per component, its samples pstride bytes apart, only channel 0 */
  gboolean packed = is_packed_422 (iinfo);
  guint n_views = packed ? 3 : GST_VIDEO_INFO_N_PLANES (iinfo);
  for (guint p = 0; p < n_views && ok; p++) {
    gint comps[GST_VIDEO_MAX_COMPONENTS];
    gint c0, w, h, ow, oh, cn, ox = 0, oy = 0, alpha = -1;
    const guint8 *ip;
    guint8 *expect, *op;
    gint istride, ostride;

    if (packed)
      comps[0] = p;
    else
      gst_video_format_info_component (finfo, p, comps);
    c0 = comps[0];
    w = GST_VIDEO_INFO_COMP_WIDTH (iinfo, c0);
    h = GST_VIDEO_INFO_COMP_HEIGHT (iinfo, c0);
    ow = GST_VIDEO_INFO_COMP_WIDTH (oinfo, c0);
    oh = GST_VIDEO_INFO_COMP_HEIGHT (oinfo, c0);
    cn = GST_VIDEO_INFO_COMP_PSTRIDE (iinfo, c0);
    ip = packed ? GST_VIDEO_FRAME_COMP_DATA (&fi, c0) :
        GST_VIDEO_FRAME_PLANE_DATA (&fi, p);
    op = packed ? GST_VIDEO_FRAME_COMP_DATA (&fo, c0) :
        GST_VIDEO_FRAME_PLANE_DATA (&fo, p);
    istride = GST_VIDEO_FRAME_PLANE_STRIDE (&fi, packed ? 0 : p);
    ostride = GST_VIDEO_FRAME_PLANE_STRIDE (&fo, packed ? 0 : p);
    if (c->border == VF_TEST_BORDER_VALID) {
      ox = c->ax >> GST_VIDEO_FORMAT_INFO_W_SUB (finfo, c0);
      oy = c->ay >> GST_VIDEO_FORMAT_INFO_H_SUB (finfo, c0);
    }
    alpha = alpha_offset (iinfo);

    RefKernel rk = { c->kw, c->kh, c->ax, c->ay, c->k, c->round, c->div,
      c->bias
    };
    expect = g_malloc0 ((gsize) ostride * oh);
    for (int ch = 0; ch < (packed ? 1 : cn); ch++) {
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
          ox, oy, c->border == VF_TEST_BORDER_VALID ? REF_REPLICATE : c->border,
          c->value, &rk);
    }
    for (int y = 0; y < oh && ok; y++)
      for (int x = 0; x < ow * cn && ok; x++)
        if ((!packed || x % cn == 0)
            && op[y * ostride + x] != expect[y * ostride + x]) {
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
void
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
  if (c->border == VF_TEST_BORDER_VALID) {
    fail_unless_equals_int (GST_VIDEO_INFO_WIDTH (&oinfo), w - c->kw + 1);
    fail_unless_equals_int (GST_VIDEO_INFO_HEIGHT (&oinfo), h - c->kh + 1);
  }
  fail_unless (frame_matches (c, in, &iinfo, out, &oinfo, &why), "%s", why);
  gst_buffer_unref (in);
  gst_buffer_unref (out);
  gst_harness_teardown (hs);
  gst_object_unref (e);
}

const int conv3[9] = { 1, 2, 0, -1, 3, 1, 0, 1, 2 };

/* The index of the first of `n` buffers equal to `out` (size and bytes), or
 * -1. */
int
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
gboolean
count_hit (int *hits, int n, int match)
{
  gboolean all = TRUE;
  hits[match]++;
  for (int s = 0; s < n; s++)
    all &= hits[s] > 0;
  return all;
}

/* ---- refused values --------------------------------------------------------- */

static GPtrArray *warnings;
static guint vfilter_handler;

static void
collect_vfilter_warning (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (message));
}

void
expect_warnings_begin (void)
{
  warnings = g_ptr_array_new_with_free_func (g_free);
  /* the plugin's own domain: every refusal, range checks included */
  vfilter_handler = g_log_set_handler ("vfilter", G_LOG_LEVEL_WARNING,
      collect_vfilter_warning, warnings);
}

void
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

void
expect_warnings_end (void)
{
  g_log_remove_handler ("vfilter", vfilter_handler);
  g_ptr_array_unref (warnings);
}

/* the output for `in` equals the reference under c */
void
assert_output (GstHarness * h, const Config * c, GstBuffer * in,
    const GstVideoInfo * info)
{
  GstBuffer *out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
  gchar *why = NULL;
  fail_unless (frame_matches (c, in, info, out, info, &why), "%s", why);
  gst_buffer_unref (out);
}

GstHarness *
harness_for (const gchar * launch, const GstVideoInfo * info)
{
  GError *error = NULL;
  GstElement *e = gst_parse_launch (launch, &error);
  GstHarness *h;
  fail_unless (e != NULL, "%s", error ? error->message : launch);
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  gst_harness_set_src_caps (h, gst_video_info_to_caps (info));
  return h;
}

GstBuffer *
push_one (const gchar * launch, const GstVideoInfo * info, GstBuffer * in)
{
  GstHarness *h = harness_for (launch, info);
  GstBuffer *out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
  fail_unless (out != NULL);
  gst_harness_teardown (h);
  return out;
}

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
void
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

void
stress_element_sets (const gchar * factory, const gchar * format,
    const gchar * const *sets, int n_sets, ExpectFunc expect,
    gpointer expect_data)
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
      expected[i][s] = expect ? expect (s, &info, inputs[i], expect_data) :
          push_one (launch, &info, inputs[i]);
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
  /* at least 1000 frames, and on until the flipper has changed the set 20
   * times and every set has been seen (a busy machine may starve it) */
  for (int n = 0, seen_all = 0; n < 1000 || g_atomic_int_get (&fl.changes)
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

Suite *
harness_suite (const gchar * name, const HarnessTest * tests)
{
  Suite *s = suite_create (name);
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 300);
  for (const HarnessTest * t = tests; t->fn; t++)
    __gst_tcase_add_test (tc, t->fn, t->name, 0, 0, 0, 1);
  suite_add_tcase (s, tc);
  return s;
}
