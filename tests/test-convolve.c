/* vfconvolve: the seed's worked 7x7 example through the element, refused
 * kernels and values, properties valid only together.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

#include "harness.h"
#include "seed.h"

GST_START_TEST (test_seed_worked_example_through_element)
{
  GstHarness *h = gst_harness_new ("vfconvolve");
  GstVideoInfo info, oinfo;
  GstVideoFrame frame;
  GstBuffer *in, *out;
  GstCaps *caps;

  g_object_set (h->element, "kernel", "1 0 1; 0 1 0; 1 0 1", "border",
      VF_TEST_BORDER_VALID, NULL);
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, 7, 7);
  caps = gst_video_info_to_caps (&info);
  gst_harness_set_src_caps (h, caps);

  in = gst_buffer_new_allocate (NULL, info.size, NULL);
  gst_video_frame_map (&frame, &info, in, GST_MAP_WRITE);
  for (int y = 0; y < 7; y++)
    memcpy ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
        y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), seed_I + 7 * y, 7);
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
      fail_unless_equals_int_hex (v, seed_IM[y * 5 + x]);
    }
  gst_video_frame_unmap (&frame);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_convolve_refuses_bad_values)
{
  GstVideoInfo info;
  GstBuffer *in;
  GstHarness *h;
  Config c;
  gchar *text;
  gdouble div;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 41, 23);
  in = random_frame (&info);
  expect_warnings_begin ();

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

HARNESS_MAIN (convolve,
    HARNESS_T (test_seed_worked_example_through_element),
    HARNESS_T (test_convolve_refuses_bad_values),
    HARNESS_T (test_several_properties_in_one_set_apply_together));
