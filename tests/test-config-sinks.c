/* Config file parsing and validation: the sinks, the encoder, the
 * [server] group (the tcase test-config.c runs beside its own).
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <gst/gst.h>

#include "vfd-policy.h"
#include "vfd-sinks.h"
#include "test-config.h"

START_TEST (test_bad_sink_uri)
{
  expect_error ("[pipeline a]\nsource=test:\nsink=screen\n",
      "t.conf:3: sink 'screen' is not a supported URI (expected preview, "
      "null, file:///path.mkv, file:///path.webm, v4l2:///dev/videoN, "
      "pipewire:, pipewire://NODE-NAME, rtsp-server:, rtsp://HOST:PORT/PATH, "
      "srt://HOST:PORT or gst:DESCRIPTION)");
  expect_error ("[pipeline a]\nsource=test:\nsink=file:///tmp/out.avi\n",
      "t.conf:3: sink 'file:///tmp/out.avi': file name must end in .mkv or "
      ".webm (VP8 video)");
}

END_TEST;

/* [server] */
START_TEST (test_server_group)
{
  expect_ok ("[server]\nmetrics=127.0.0.1:9101\n[pipeline a]\nsource=test:\n");
  expect_ok ("[server]\nmetrics=[::1]:9101\n");
  expect_error ("[server]\nmetrics=9101\n", "t.conf:2: metrics '9101': "
      "expected ADDRESS:PORT with an IP address (or localhost) and a port "
      "1-65535, e.g. 127.0.0.1:9101");
  expect_error ("[server]\nmetrics=example.org:80\n", "t.conf:2: metrics "
      "'example.org:80': expected ADDRESS:PORT with an IP address (or "
      "localhost) and a port 1-65535, e.g. 127.0.0.1:9101");
  expect_ok ("[server]\nrtsp=127.0.0.1:8554\n");
  expect_error ("[server]\nrtsp=:8554\n", "t.conf:2: rtsp ':8554': "
      "expected ADDRESS:PORT with an IP address (or localhost) and a port "
      "1-65535, e.g. 127.0.0.1:9101");
  expect_error ("[server]\nhttp=127.0.0.1:8554\n", "t.conf:2: unknown key "
      "'http' in [server] (expected metrics, rtsp)");
}

END_TEST;

/* sink lists: GKeyFile's syntax, and back */
START_TEST (test_sink_list_syntax)
{
  gchar **u = vfd_sinks_split (" gst:a caps=x\\;y ; null;;preview;");
  gchar *j;
  ck_assert_uint_eq (g_strv_length (u), 3);
  ck_assert_str_eq (u[0], "gst:a caps=x;y");
  ck_assert_str_eq (u[1], "null");
  ck_assert_str_eq (u[2], "preview");
  j = vfd_sinks_join ((const gchar * const *) u);
  ck_assert_str_eq (j, "gst:a caps=x\\;y;null;preview");
  g_free (j);
  g_strfreev (u);
}

END_TEST;

/* encoder=: one value, each part checked and named when wrong; reported
 * at its own line, before the sinks that use it */
START_TEST (test_encoder_key)
{
  GstPluginFeature *va = gst_registry_lookup_feature (gst_registry_get (),
      "vah264enc");

  expect_ok ("[pipeline a]\nsource=test:\nsink=rtsp://192.0.2.1/cam\n"
      "encoder=x264 bitrate=800 keyframe-interval=15 size=640x360 "
      "rate=15/1\n");
  expect_ok ("[pipeline a]\nsource=test:\nencoder=openh264\n");
  expect_ok ("[pipeline a]\nsource=test:\nencoder=bitrate=4000\n");
  expect_error ("[pipeline a]\nsource=test:\nencoder=x265\nsink=null\n",
      "t.conf:3: encoder 'x265' is not one of auto, va, openh264 or x264 "
      "(expected encoder=[auto|va|openh264|x264] [bitrate=KBIT/S] "
      "[keyframe-interval=FRAMES] [size=WIDTHxHEIGHT] [rate=N/D])");
  expect_error ("[pipeline a]\nsource=test:\nencoder=x264 gop=30\n",
      "t.conf:3: encoder: unknown option 'gop' (expected bitrate=KBIT/S, "
      "keyframe-interval=FRAMES, size=WIDTHxHEIGHT, rate=N/D)");
  expect_error ("[pipeline a]\nsource=test:\nencoder=auto bitrate=20\n",
      "t.conf:3: encoder: bitrate '20' is not valid (expected kbit/s from 50 "
      "to 100000)");
  expect_error ("[pipeline a]\nsource=test:\nencoder=x264 size=641x360\n",
      "t.conf:3: encoder: size '641x360' is not valid (expected "
      "WIDTHxHEIGHT, even numbers from 16 to 16384)");
  expect_error ("[pipeline a]\nsource=test:\nencoder=x264 rate=480\n",
      "t.conf:3: encoder: rate '480' is not valid (expected N/D frames per "
      "second, above 0 and at most 240)");
  if (va)
    gst_object_unref (va);
  else
    expect_error ("[pipeline a]\nsource=test:\nencoder=va\n", "t.conf:3: "
        "encoder 'va': no VA-API H.264 encoder here (vah264enc of "
        "gstreamer1.0-plugins-bad needs a GPU that encodes H.264)");
  expect_error ("[pipeline a]\nsource=test:\nsink=rtsp:///cam\n",
      "t.conf:3: sink 'rtsp:///cam' is not an RTSP address (expected "
      "rtsp://HOST[:PORT]/PATH, e.g. rtsp://192.0.2.10:8554/cam)");
}

END_TEST;

/* The virtual cameras: PipeWire node names, the standby picture, PipeWire
 * on the system bus. */
START_TEST (test_virtual_camera_keys)
{
  expect_ok ("[pipeline a]\nsource=test:\nsink=pipewire:\n");
  expect_ok ("[pipeline a]\nsource=test:\nsink=pipewire://my.cam-1\n"
      "standby=black\n");
  expect_error ("[pipeline a]\nsource=test:\nsink=pipewire://my cam\n",
      "t.conf:3: sink 'pipewire://my cam': the PipeWire node name must be 1 "
      "to 64 letters, digits, '.', '_' or '-' (expected pipewire: or "
      "pipewire://NODE-NAME)");
  expect_error ("[pipeline a]\nsource=test:\nsink=pipewire:cam\n",
      "t.conf:3: sink 'pipewire:cam': the PipeWire node name must be 1 "
      "to 64 letters, digits, '.', '_' or '-' (expected pipewire: or "
      "pipewire://NODE-NAME)");
  expect_error ("[pipeline a]\nsource=test:\nstandby=grey\n",
      "t.conf:3: standby 'grey' is not one of last, black, " "file:///PICTURE");
  expect_error ("[pipeline a]\nsource=test:\nstandby=file:///nonexistent/"
      "away.png\n", "t.conf:3: standby 'file:///nonexistent/away.png': no "
      "such picture file");
  /* several sinks: each checked, none twice */
  expect_ok ("[pipeline a]\nsource=test:\nsink=null;pipewire:;\n");
  expect_error ("[pipeline a]\nsource=test:\nsink=null;screen\n",
      "t.conf:3: sink 'screen' is not a supported URI (expected preview, "
      "null, file:///path.mkv, file:///path.webm, v4l2:///dev/videoN, "
      "pipewire:, pipewire://NODE-NAME, rtsp-server:, rtsp://HOST:PORT/PATH, "
      "srt://HOST:PORT or gst:DESCRIPTION)");
  expect_error ("[pipeline a]\nsource=test:\nsink=null ; null\n",
      "t.conf:3: sink 'null' is listed twice");
  expect_error ("[pipeline a]\nsource=test:\nsink=;\n",
      "t.conf:3: sink is empty (expected one URI or several separated by "
      "';')");
  vfd_policy_reset (TRUE);
  expect_error_prefix ("[pipeline a]\nsource=test:\nsink=pipewire:\n",
      "t.conf:3: 'pipewire:': PipeWire runs per user: a pipewire: sink needs "
      "the user daemon");
  vfd_policy_reset (FALSE);
}

END_TEST;

TCase *
config_sinks_tcase (void)
{
  TCase *tc = tcase_create ("sinks");
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_bad_sink_uri);
  tcase_add_test (tc, test_virtual_camera_keys);
  tcase_add_test (tc, test_encoder_key);
  tcase_add_test (tc, test_sink_list_syntax);
  tcase_add_test (tc, test_server_group);
  return tc;
}
