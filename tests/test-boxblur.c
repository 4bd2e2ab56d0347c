/* vfboxblur: live size, border and thread changes with no torn frame,
 * border=valid renegotiating while flowing, refused values.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

#include "harness.h"

#define N_SETS 4
static const struct
{
  int kw, kh, border, value;
} box_sets[N_SETS] = {
  {3, 3, REF_REFLECT, 0},
  {9, 5, REF_CONSTANT, 255},
  {1, 7, REF_SYMMETRIC, 0},
  {15, 15, REF_WRAP, 0},
};

static const gchar *const box_set_props[N_SETS] = {
  "kernel-width=3 kernel-height=3 border=reflect border-value=0 n-threads=1",
  "kernel-width=9 kernel-height=5 border=constant border-value=255 "
      "n-threads=2",
  "kernel-width=1 kernel-height=7 border=symmetric border-value=0 "
      "n-threads=3",
  "kernel-width=15 kernel-height=15 border=wrap border-value=0 n-threads=0",
};

/* the brute-force reference of box set s */
static GstBuffer *
box_expect (int s, const GstVideoInfo * info, GstBuffer * in, gpointer data)
{
  GstBuffer *out = gst_buffer_new_allocate (NULL, info->size, NULL);
  Config c = { 0 };
  GstVideoFrame fi, fo;
  RefKernel rk;
  gint cn = GST_VIDEO_INFO_COMP_PSTRIDE (info, 0);

  config_box (&c, box_sets[s].kw, box_sets[s].kh);
  c.border = box_sets[s].border;
  c.value = box_sets[s].value;
  rk = (RefKernel) {
  c.kw, c.kh, c.ax, c.ay, c.k, c.round, c.div, c.bias};
  gst_video_frame_map (&fi, (GstVideoInfo *) info, in, GST_MAP_READ);
  gst_video_frame_map (&fo, (GstVideoInfo *) info, out, GST_MAP_WRITE);
  for (int ch = 0; ch < cn; ch++)
    ref_filter_plane (GST_VIDEO_FRAME_PLANE_DATA (&fi, 0),
        GST_VIDEO_FRAME_PLANE_STRIDE (&fi, 0), GST_VIDEO_INFO_WIDTH (info),
        GST_VIDEO_INFO_HEIGHT (info), cn, ch,
        GST_VIDEO_FRAME_PLANE_DATA (&fo, 0),
        GST_VIDEO_FRAME_PLANE_STRIDE (&fo, 0), GST_VIDEO_INFO_WIDTH (info),
        GST_VIDEO_INFO_HEIGHT (info), 0, 0, c.border, c.value, &rk);
  gst_video_frame_unmap (&fi);
  gst_video_frame_unmap (&fo);
  return out;
}

GST_START_TEST (test_stress_change_sizes_and_borders_no_torn_frame)
{
  stress_element_sets ("vfboxblur", "BGR", box_set_props, N_SETS, box_expect,
      NULL);
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

  g_object_set (h->element, "border", VF_TEST_BORDER_VALID, "kernel-width", 5,
      "kernel-height", 5, NULL);
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
    c.border = VF_TEST_BORDER_VALID;
    fail_unless (frame_matches (&c, in, &info, out, &oinfo, &why), "%s", why);
    gst_buffer_unref (out);
  }
  fail_unless (seen[0] > 0 && seen[1] > 0);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_box_refuses_bad_values)
{
  GstVideoInfo info;
  GstBuffer *in;
  GstHarness *h;
  Config c;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 41, 23);
  in = random_frame (&info);
  expect_warnings_begin ();

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

  expect_warnings_end ();
  gst_buffer_unref (in);
}

GST_END_TEST;


HARNESS_MAIN (boxblur,
    HARNESS_T (test_stress_change_sizes_and_borders_no_torn_frame),
    HARNESS_T (test_valid_kernel_change_renegotiates_while_flowing),
    HARNESS_T (test_box_refuses_bad_values));
