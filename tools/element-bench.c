/* vf-element-bench: an element's time per frame inside a pipeline (a
 * GstHarness: real pads, caps negotiation, buffer pool, the element's
 * streaming path), on frames read once from a raw file so that reading
 * costs nothing during the timing.
 *
 * Usage: vf-element-bench FORMAT WIDTH HEIGHT FILE ROUNDS 'DESCRIPTION'
 * Prints the median over ROUNDS of the mean time per frame of one pass
 * over every frame of FILE, in ms, and the same for `identity` (the
 * harness's own cost).  Used by tools/bench.py.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdio.h>
#include <stdlib.h>

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median_ms (const gchar * desc, const GstVideoInfo * info, GstBuffer ** frames,
    guint n, guint rounds)
{
  GstHarness *h = gst_harness_new_parse (desc);
  double *t = g_new (double, rounds), med;

  gst_harness_set_src_caps (h, gst_video_info_to_caps (info));
  /* one pass to negotiate, fill pools and warm the caches */
  for (guint f = 0; f < n; f++)
    gst_buffer_unref (gst_harness_push_and_pull (h, gst_buffer_ref (frames
                [f])));
  for (guint r = 0; r < rounds; r++) {
    gint64 t0 = g_get_monotonic_time ();
    for (guint f = 0; f < n; f++)
      gst_buffer_unref (gst_harness_push_and_pull (h,
              gst_buffer_ref (frames[f])));
    t[r] = (g_get_monotonic_time () - t0) / 1000.0 / n;
  }
  gst_harness_teardown (h);
  qsort (t, rounds, sizeof *t, cmp_double);
  med = t[rounds / 2];
  g_free (t);
  return med;
}

int
main (int argc, char **argv)
{
  GstVideoInfo info;
  GstBuffer **frames;
  gchar *data;
  gsize len;
  guint n, rounds;
  GError *error = NULL;

  gst_init (&argc, &argv);
  if (argc != 7) {
    g_printerr ("usage: %s FORMAT WIDTH HEIGHT FILE ROUNDS 'DESCRIPTION'\n",
        argv[0]);
    return 2;
  }
  if (!gst_video_info_set_format (&info,
          gst_video_format_from_string (argv[1]), atoi (argv[2]),
          atoi (argv[3])) || GST_VIDEO_INFO_FORMAT (&info) ==
      GST_VIDEO_FORMAT_UNKNOWN) {
    g_printerr ("%s %sx%s: not a video format and size\n", argv[1], argv[2],
        argv[3]);
    return 2;
  }
  if (!g_file_get_contents (argv[4], &data, &len, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  /* the file holds packed frames (no row padding): as cv2/ffmpeg write */
  {
    gsize packed = 0;
    for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (&info); p++) {
      gint comp[GST_VIDEO_MAX_COMPONENTS];
      gst_video_format_info_component (info.finfo, p, comp);
      packed += (gsize) GST_VIDEO_INFO_COMP_WIDTH (&info, comp[0]) *
          GST_VIDEO_INFO_COMP_PSTRIDE (&info, comp[0]) *
          GST_VIDEO_INFO_COMP_HEIGHT (&info, comp[0]);
    }
    n = len / packed;
    if (n == 0) {
      g_printerr ("%s: shorter than one frame\n", argv[4]);
      return 2;
    }
    frames = g_new (GstBuffer *, n);
    for (guint f = 0; f < n; f++) {
      GstVideoFrame vf;
      const guint8 *src = (const guint8 *) data + f * packed;
      frames[f] = gst_buffer_new_allocate (NULL, info.size, NULL);
      gst_video_frame_map (&vf, &info, frames[f], GST_MAP_WRITE);
      for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (&info); p++) {
        gint comp[GST_VIDEO_MAX_COMPONENTS], row, h;
        gst_video_format_info_component (info.finfo, p, comp);
        row = GST_VIDEO_INFO_COMP_WIDTH (&info, comp[0]) *
            GST_VIDEO_INFO_COMP_PSTRIDE (&info, comp[0]);
        h = GST_VIDEO_INFO_COMP_HEIGHT (&info, comp[0]);
        for (gint y = 0; y < h; y++, src += row)
          memcpy ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&vf, p) +
              y * GST_VIDEO_FRAME_PLANE_STRIDE (&vf, p), src, row);
      }
      gst_video_frame_unmap (&vf);
    }
  }
  g_free (data);
  rounds = MAX (atoi (argv[5]), 1);
  printf ("%.4f %.4f\n", median_ms (argv[6], &info, frames, n, rounds),
      median_ms ("identity", &info, frames, n, rounds));
  for (guint f = 0; f < n; f++)
    gst_buffer_unref (frames[f]);
  g_free (frames);
  return 0;
}
