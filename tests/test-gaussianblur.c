/* vfgaussianblur: refused values, live changes of size, sigma and mode
 * with no torn frame (the exact output is in test-linear and the
 * OpenCV oracle).
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

#include "harness.h"

GST_START_TEST (test_gauss_refuses_bad_values)
{
  GstVideoInfo info;
  GstBuffer *in;
  GstHarness *h;
  Config c;
  guint kw;

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

  expect_warnings_end ();
  gst_buffer_unref (in);
}

GST_END_TEST;

GST_START_TEST (test_stress_modes_and_sizes_no_torn_frame)
{
  static const gchar *const gauss[] = {
    "mode=exact kernel-width=7 kernel-height=7 sigma=0 border=reflect",
    "mode=fast kernel-width=0 kernel-height=0 sigma=2.5 border=reflect",
    "mode=fast kernel-width=0 kernel-height=0 sigma=12 border=constant",
    "mode=exact kernel-width=0 kernel-height=0 sigma=6 border=wrap",
  };
  stress_element_sets ("vfgaussianblur", "BGRA", gauss, 4, NULL, NULL);
}

GST_END_TEST;


HARNESS_MAIN (gaussianblur,
    HARNESS_T (test_gauss_refuses_bad_values),
    HARNESS_T (test_stress_modes_and_sizes_no_torn_frame));
