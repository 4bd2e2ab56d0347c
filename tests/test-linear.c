/* The three linear elements (vfboxblur, vfgaussianblur, vfconvolve)
 * against the brute-force reference: every format, tiny and odd sizes,
 * kernels larger than the frame, border=valid.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

#include "harness.h"

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

GST_START_TEST (test_valid_border_every_format)
{
  Config c = { 0 };
  config_box (&c, 5, 3);
  c.desc = "box 5x3 valid";
  c.border = VF_TEST_BORDER_VALID;
  c.props = "kernel-width=5 kernel-height=3 border=valid";
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++) {
    check_config (&c, formats[f], 385, 289);
    check_config (&c, formats[f], 6, 4);
  }
}

GST_END_TEST;

HARNESS_MAIN (linear,
    HARNESS_T (test_every_format_and_size_matches_reference),
    HARNESS_T (test_kernel_larger_than_frame_every_border),
    HARNESS_T (test_valid_border_every_format));
