/* Config file parsing and validation: good files, and each kind of bad
 * file with its exact message.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>

#include "vfd-config.h"
#include "vfd-filters.h"
#include "test-config.h"

GPtrArray *
parse (const gchar * text, GError ** error)
{
  GPtrArray *p = g_ptr_array_new_with_free_func ((GDestroyNotify)
      vfd_pipeline_config_free);
  if (!vfd_config_parse (text, strlen (text), "t.conf", p, error)) {
    g_ptr_array_unref (p);
    return NULL;
  }
  return p;
}

void
expect_error (const gchar * text, const gchar * message)
{
  GError *error = NULL;
  GPtrArray *p = parse (text, &error);
  ck_assert_msg (p == NULL, "accepted a bad file:\n%s", text);
  ck_assert_str_eq (error->message, message);
  g_error_free (error);
}

/* The same where the message may go on after `prefix`. */
void
expect_error_prefix (const gchar * text, const gchar * prefix)
{
  GError *error = NULL;
  GPtrArray *p = parse (text, &error);
  ck_assert_msg (p == NULL, "accepted a bad file:\n%s", text);
  ck_assert_msg (g_str_has_prefix (error->message, prefix),
      "'%s' does not start with '%s'", error->message, prefix);
  g_error_free (error);
}

void
expect_ok (const gchar * text)
{
  GError *error = NULL;
  GPtrArray *p = parse (text, &error);
  ck_assert_msg (p != NULL, "refused %s: %s", text, error->message);
  g_ptr_array_unref (p);
}

START_TEST (test_good_file_with_two_pipelines)
{
  GError *error = NULL;
  GPtrArray *p = parse ("# demo\n"
      "[pipeline cam0]\n"
      "source=test:ball\n"
      "caps=video/x-raw,width=320,height=240,framerate=30/1\n"
      "filters=vfboxblur name=denoise kernel-width=5 ! "
      "vfgaussianblur name=soften sigma=2\n"
      "sink=null\n"
      "\n"
      "[pipeline second]\n"
      "source=gst:videotestsrc pattern=snow\n" "sink=gst:fakesink\n", &error);
  VfdPipelineConfig *c;

  ck_assert_msg (p != NULL, "%s", error ? error->message : "");
  ck_assert_int_eq (p->len, 2);
  c = g_ptr_array_index (p, 0);
  ck_assert_str_eq (c->name, "cam0");
  ck_assert_str_eq (c->source, "test:ball");
  ck_assert_str_eq (c->sink, "null");
  ck_assert_str_eq (c->origin, "t.conf:2");
  ck_assert (!c->loop);
  c = g_ptr_array_index (p, 1);
  ck_assert_str_eq (c->name, "second");
  ck_assert_str_eq (c->filters, "");
  g_ptr_array_unref (p);
}

END_TEST;

START_TEST (test_defaults_and_loop)
{
  GError *error = NULL;
  GPtrArray *p = parse ("[pipeline a]\nsource=test:\nloop=true\n", &error);
  VfdPipelineConfig *c;
  ck_assert_msg (p != NULL, "%s", error ? error->message : "");
  c = g_ptr_array_index (p, 0);
  ck_assert_str_eq (c->sink, "null");
  ck_assert (c->loop);
  g_ptr_array_unref (p);
}

END_TEST;

/* The example files the project ships load as they are. */
START_TEST (test_shipped_examples_load)
{
  GError *error = NULL;
  gchar *path = g_build_filename (CONFIG_DIR, "virtual-camera.conf", NULL);
  GPtrArray *p = vfd_config_load (path, TRUE, NULL, &error);
  VfdPipelineConfig *c;

  ck_assert_msg (p != NULL, "%s", error ? error->message : "");
  ck_assert_int_eq (p->len, 1);
  c = g_ptr_array_index (p, 0);
  ck_assert_str_eq (c->name, "vcam");
  ck_assert_str_eq (c->source, "v4l2:///dev/video0");
  ck_assert_str_eq (c->sink, "v4l2:///dev/video10");
  g_ptr_array_unref (p);
  g_free (path);
  path = g_build_filename (CONFIG_DIR, "vfilterd.conf", NULL);
  p = vfd_config_load (path, TRUE, NULL, &error);
  ck_assert_msg (p != NULL, "%s", error ? error->message : "");
  ck_assert_int_eq (p->len, 0); /* examples only, commented out */
  g_ptr_array_unref (p);
  g_free (path);
}

END_TEST;

START_TEST (test_unknown_key)
{
  expect_error ("[pipeline cam0]\nsource=test:\nsourc=test:\n",
      "t.conf:3: unknown key 'sourc' in [pipeline cam0] (expected source, "
      "caps, filters, sink, standby, encoder, loop)");
}

END_TEST;

START_TEST (test_unknown_section)
{
  expect_error ("[pipeline a]\nsource=test:\n\n[camera b]\nsource=test:\n",
      "t.conf:4: unknown section [camera b] (expected [pipeline NAME], "
      "[daemon] or [server])");
}

END_TEST;

START_TEST (test_bad_source_uri)
{
  expect_error ("[pipeline a]\nsink=null\nsource=ftp://example.org/x\n",
      "t.conf:3: source 'ftp://example.org/x' is not a supported URI "
      "(expected v4l2:///dev/videoN, file:///path, test:, test:PATTERN or "
      "gst:DESCRIPTION)");
  expect_error ("[pipeline a]\nsource=v4l2://video0\n",
      "t.conf:2: source 'v4l2://video0' is not a V4L2 device URI (expected "
      "v4l2:///dev/videoN)");
  expect_error ("[pipeline a]\nsource=test:nosuchpattern\n",
      "t.conf:2: source 'test:nosuchpattern': unknown pattern "
      "'nosuchpattern' (expected one of smpte, snow, black, white, red, "
      "green, blue, checkers-1, checkers-2, checkers-4, checkers-8, "
      "circular, blink, smpte75, zone-plate, gamut, chroma-zone-plate, "
      "solid-color, ball, smpte100, bar, pinwheel, spokes, gradient, "
      "colors, smpte-rp-219)");
}

END_TEST;

START_TEST (test_missing_source)
{
  expect_error ("[pipeline a]\nsink=null\n",
      "t.conf:1: [pipeline a] has no source= (e.g. source=test: or "
      "source=v4l2:///dev/video0)");
}

END_TEST;

START_TEST (test_filters_do_not_parse)
{
  expect_error ("[pipeline a]\nsource=test:\nfilters=vfboxblur name=b ! !\n",
      "t.conf:3: filters 'vfboxblur name=b ! !': '!' at offset 19 (expected a "
      "chain of filters such as 'vfboxblur name=a ! vfmedian name=b')");
}

END_TEST;

START_TEST (test_bang_glued_to_value)
{
  /* GStreamer would read "a!vfmedian" as the name of one filter */
  expect_error ("[pipeline a]\nsource=test:\n"
      "filters=vfboxblur name=a!vfmedian name=c\n",
      "t.conf:3: filters 'vfboxblur name=a!vfmedian name=c': '!' right after "
      "a value at offset 16 (expected a space before it, as in 'name=a ! "
      "vfmedian')");
}

END_TEST;

START_TEST (test_unknown_element)
{
  expect_error ("[pipeline a]\nsource=test:\nfilters=vfblurr name=b\n",
      "t.conf:3: filters 'vfblurr name=b': no element \"vfblurr\"");
}

END_TEST;

/* The filters' own worker threads are bounded for the whole
 * configuration: 64 (n-threads=N keeps N - 1; 0 shares one pool). */
START_TEST (test_thread_ceiling)
{
  expect_ok ("[pipeline a]\nsource=test:\n"
      "filters=vfboxblur name=b n-threads=33\n"
      "[pipeline b]\nsource=test:\n"
      "filters=vfboxblur name=b n-threads=33 ! vfmedian name=m n-threads=1 ! "
      "vfmedian name=z\n");
  expect_error ("[pipeline a]\nsource=test:\n"
      "filters=vfboxblur name=b n-threads=33\n"
      "[pipeline b]\nsource=test:\n"
      "filters=vfboxblur name=b n-threads=33 ! vfmedian name=m n-threads=2\n",
      "t.conf:6: the n-threads of the filters up to [pipeline b] would give "
      "them 65 worker threads of their own (at most 64; n-threads=0 shares "
      "one pool across every pipeline)");
}

END_TEST;

START_TEST (test_bad_property_value)
{
  /* a value GStreamer cannot convert */
  expect_error ("[pipeline a]\nsource=test:\n"
      "filters=vfboxblur name=b kernel-width=wide\n",
      "t.conf:3: filters 'vfboxblur name=b kernel-width=wide': could not "
      "set property \"kernel-width\" in element \"vfboxblur\" to \"wide\"");
  /* a value the element refuses */
  expect_error ("[pipeline a]\nsource=test:\n"
      "filters=vfgaussianblur name=g kernel-width=4\n",
      "t.conf:3: filters 'vfgaussianblur name=g kernel-width=4': "
      "kernel-width '4' must be odd, or 0 to derive it from sigma "
      "(vfgaussianblur)");
  /* values outside the range, which GObject alone would drop in silence */
  /* a negative number for an unsigned property, as typed (GStreamer's
   * deserialiser would make it 4294967293) */
  expect_error ("[pipeline a]\nsource=test:\n"
      "filters=vfmedian name=m kernel-width=-3\n",
      "t.conf:3: filters 'vfmedian name=m kernel-width=-3': property "
      "'kernel-width' of vfmedian: '-3' is not valid (expected 1 to 255)");
  expect_error ("[pipeline a]\nsource=test:\n"
      "filters=vfgaussianblur name=g sigma=inf\n",
      "t.conf:3: filters 'vfgaussianblur name=g sigma=inf': sigma 'inf' is "
      "not valid (expected 0 to 170)");
  expect_error ("[pipeline a]\nsource=test:\n"
      "filters=vfmedian name=m kernel-width=3 kernel-height=257\n",
      "t.conf:3: filters 'vfmedian name=m kernel-width=3 kernel-height=257': "
      "kernel-height '257' is not valid (expected 1 to 255)");
}

END_TEST;

START_TEST (test_filter_without_name)
{
  expect_error ("[pipeline a]\nsource=test:\nfilters=vfboxblur ! "
      "vfgaussianblur name=g\n",
      "t.conf:3: filters 'vfboxblur ! vfgaussianblur name=g': filter "
      "'vfboxblur' has no name= (every filter needs one, e.g. 'vfboxblur "
      "name=f1')");
}

END_TEST;

START_TEST (test_duplicate_names)
{
  expect_error ("[pipeline a]\nsource=test:\n\n[pipeline a]\nsource=test:\n",
      "t.conf:4: duplicate section [pipeline a] (first at line 1)");
  expect_error ("[pipeline a]\nsource=test:\nsink=null\nsink=null\n",
      "t.conf:4: duplicate key 'sink' in [pipeline a] (first at line 3)");
  {
    GError *error = NULL;
    GPtrArray *p = parse ("[pipeline a]\nsource=test:\nfilters="
        "vfboxblur name=x ! vfboxblur name=x\n", &error);
    ck_assert (p == NULL);
    ck_assert_msg (g_str_has_prefix (error->message, "t.conf:3: filters "),
        "%s", error->message);
    g_error_free (error);
  }
}

END_TEST;

START_TEST (test_bad_caps_and_loop)
{
  expect_error ("[pipeline a]\nsource=test:\ncaps=video/x-raw,width=\n",
      "t.conf:3: caps 'video/x-raw,width=' do not parse (expected e.g. "
      "video/x-raw,width=1280,height=720,framerate=30/1)");
  expect_error ("[pipeline a]\nsource=test:\nloop=yes\n",
      "t.conf:3: loop 'yes' is not a boolean (expected true or false)");
  expect_error ("[pipeline a-b]\nsource=test:\n",
      "t.conf:1: pipeline name 'a-b' may only contain letters, digits and "
      "'_' (at most 64)");
}

END_TEST;

/* The [daemon] rules: files below listed directories only, filters that
 * are video filters on the allow list, v4l2:// only video4linux devices
 * (looked at without following a link or opening them for I/O). */
START_TEST (test_least_privilege_rules)
{
  const gchar *rules = "[daemon]\nfile-dirs=/srv/vfd;/var/lib/vfilterd\n"
      "filters=vfbox*;vfgauss*\n";
  gchar *t;

#define WITH_RULES(rest) (t = g_strconcat (rules, rest, NULL))
  expect_error_prefix (WITH_RULES ("[pipeline a]\nsource=file:///etc/passwd\n"),
      "t.conf:5: 'file:///etc/passwd' is outside the directories files may be "
      "used in (/srv/vfd, /var/lib/vfilterd; [daemon] file-dirs)");
  g_free (t);
  expect_error_prefix (WITH_RULES ("[pipeline a]\nsource=test:\n"
          "sink=file:///srv/vfd/../../etc/x.mkv\n"), "t.conf:6: "
      "'file:///srv/vfd/../../etc/x.mkv' is outside the directories");
  g_free (t);
  expect_error_prefix (WITH_RULES ("[pipeline a]\nsource=file://host/srv/vfd/"
          "a.mkv\n"), "t.conf:5: 'file://host/srv/vfd/a.mkv': a file on host "
      "'host' (expected file:///path on this machine)");
  g_free (t);
  expect_ok (WITH_RULES ("[pipeline a]\nsource=test:\n"
          "sink=file:///srv/vfd/out.mkv\nfilters=vfboxblur name=b\n"));
  g_free (t);
  expect_error_prefix (WITH_RULES ("[pipeline a]\nsource=test:\n"
          "filters=vfmedian name=m\n"), "t.conf:6: filters 'vfmedian name=m': "
      "filter 'vfmedian' is not allowed ([daemon] filters: vfbox*, vfgauss*)");
  g_free (t);
  expect_error_prefix ("[pipeline a]\nsource=test:\nfilters=identity name=i\n",
      "t.conf:3: filters 'identity name=i': 'identity' is not a video filter");
  expect_error_prefix ("[pipeline a]\nsource=test:\nfilters=queue2 name=q "
      "temp-template=/tmp/x\n", "t.conf:3: filters 'queue2 name=q "
      "temp-template=/tmp/x': 'queue2' is not a video filter");
  expect_error_prefix ("[pipeline a]\nsource=v4l2:///dev/null\n",
      "t.conf:2: '/dev/null' is not a video4linux device");
  expect_error_prefix ("[pipeline a]\nsource=test:\nsink=v4l2:///dev/stdin\n",
      "t.conf:3: '/dev/stdin' is a symbolic link");
  expect_error ("[daemon]\nfiles=/x\n", "t.conf:1: unknown key 'files' in "
      "[daemon] (expected file-dirs, dbus-gst, filters)");
  expect_error ("[daemon]\ndbus-gst=maybe\n", "t.conf:1: [daemon] dbus-gst "
      "is not a boolean (expected true or false)");
#undef WITH_RULES
}

END_TEST;

/* What GKeyFile refused without a line number now has one; ';' comments
 * are comments; localized keys and NUL bytes are refused, not ignored. */
START_TEST (test_file_level_errors_have_lines)
{
  expect_error ("# a\n[pipeline a]\nsource=test:\nthis is not a key\n",
      "t.conf:4: 'this is not a key' is neither key=value, a [section] nor a "
      "# comment");
  expect_error ("[pipeline a\nsource=test:\n",
      "t.conf:1: section header '[pipeline a' has no ']' (expected "
      "[pipeline NAME])");
  expect_error ("source=test:\n[pipeline a]\n",
      "t.conf:1: 'source=test:' comes before any [pipeline NAME] section");
  expect_error ("[pipeline a]\nsource=test:\nsource[de]=test:ball\n",
      "t.conf:3: localized key 'source[de]' (expected a plain key: source, "
      "caps, filters, sink, standby, encoder, loop)");
  {
    const gchar bad[] = "[pipeline a]\nsource=test:\nsink=gst:fakesink "
        "name=\xff\xfe\n";
    expect_error (bad, "t.conf:3: byte 0xff is not UTF-8 (expected UTF-8 "
        "text)");
  }
  {
    GError *error = NULL;
    const gchar nul[] = "[pipeline a]\nsource=test:\0ball\n";
    GPtrArray *p = g_ptr_array_new_with_free_func ((GDestroyNotify)
        vfd_pipeline_config_free);
    ck_assert (!vfd_config_parse (nul, sizeof nul - 1, "t.conf", p, &error));
    ck_assert_str_eq (error->message, "t.conf:2: a NUL byte (expected text)");
    g_error_free (error);
    g_ptr_array_unref (p);
  }
  expect_ok ("; an INI comment\n[pipeline a]\n  ; another\nsource=test:\n");
}

END_TEST;

/* Bins and long or unbalanced text are refused before GStreamer's parser,
 * which took seconds on a few KB of nesting (on the daemon's main loop). */
START_TEST (test_description_shape)
{
  GString *deep = g_string_new ("[pipeline a]\nsource=test:\nfilters=");
  gint64 t0;
  for (int i = 0; i < 2000; i++)
    g_string_append_c (deep, '(');
  g_string_append (deep, " vfboxblur name=b ");
  for (int i = 0; i < 2000; i++)
    g_string_append_c (deep, ')');
  g_string_append_c (deep, '\n');
  t0 = g_get_monotonic_time ();
  expect_error_prefix (deep->str, "t.conf:3: filters '(((");
  ck_assert_msg (g_get_monotonic_time () - t0 < G_TIME_SPAN_SECOND / 10,
      "2000 levels took %" G_GINT64_FORMAT " us", g_get_monotonic_time () - t0);
  g_string_free (deep, TRUE);
  {
    GError *error = NULL;
    GPtrArray *p = parse ("[pipeline a]\nsource=test:\n"
        "filters=( vfboxblur name=b )\n", &error);
    ck_assert (p == NULL);
    ck_assert_msg (strstr (error->message, "'(' at offset 0")
        && strstr (error->message, "bins are not filters"), "%s",
        error->message);
    g_error_free (error);
  }
  expect_error ("[pipeline a]\nsource=test:\n"
      "filters=vfconvolve name=c kernel=\"1 2\n",
      "t.conf:3: filters 'vfconvolve name=c kernel=\"1 2': a \" quote is "
      "not closed (expected name=value pairs such as kernel=\"1 2 1\")");
  /* brackets inside a quoted value are values */
  expect_ok ("[pipeline a]\nsource=test:\n"
      "filters=vfconvolve name=c kernel=\"1 2 1\" bias=0\n");
}

END_TEST;

/* Caps that could never negotiate, or only frames the elements cannot
 * take, are refused with the field, the value and the limit: before, a
 * 30000x30000 frame crashed the daemon and width=0 retried for ever. */
START_TEST (test_caps_bounds)
{
  static const struct
  {
    const gchar *caps, *message;
  } cases[] = {
    {"video/x-raw,format=RGBA,width=30000,height=30000",
        "caps width 30000 is out of range (expected 1 to 16384)"},
    {"video/x-raw,width=0", "caps width 0 is out of range (expected 1 to "
          "16384)"},
    {"video/x-raw,height=-5", "caps height -5 is out of range"},
    {"video/x-raw,width=2147483647", "caps width 2147483647 is out of range"},
    {"video/x-raw,width=[1,30000]", "caps width 30000 is out of range"},
    {"video/x-raw,width={ 320, 0 }", "caps width 0 is out of range"},
    {"video/x-raw,width=wide", "caps width 'wide' is not a whole number"},
    {"video/x-raw,framerate=nan", "caps framerate"},
    {"video/x-raw,framerate=-1/1", "caps framerate '-1/1' is not a rate"},
    {"ANY", "caps 'ANY' allow any format"},
    {"EMPTY", "caps 'EMPTY' allow nothing"},
    {"video/x-raw,width=16384,height=16384",
        "caps allow 16384x16384 frames, 1024 MiB at 4 bytes a pixel (at most "
          "512 MiB expected)"},
    {"image/jpeg,width=320", "caps 'image/jpeg,width=320' are not raw video"},
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *text = g_strdup_printf ("[pipeline a]\nsource=test:\ncaps=%s\n",
        cases[i].caps);
    gchar *want = g_strdup_printf ("t.conf:3: %s", cases[i].message);
    expect_error_prefix (text, want);
    g_free (text);
    g_free (want);
  }
  /* the limits themselves are fine */
  expect_ok ("[pipeline a]\nsource=test:\ncaps=video/x-raw,width=16384,"
      "height=8192,framerate=0/1\n");
}

END_TEST;

START_TEST (test_conf_d_dropins_and_cross_file_duplicates)
{
  gchar *dir = g_dir_make_tmp ("vfd-test-XXXXXX", NULL);
  gchar *main_file = g_build_filename (dir, "vfilterd.conf", NULL);
  gchar *confd = g_build_filename (dir, "conf.d", NULL);
  gchar *f1 = g_build_filename (confd, "10-b.conf", NULL);
  gchar *f2 = g_build_filename (confd, "20-c.conf", NULL);
  GError *error = NULL;
  GPtrArray *p;

  g_mkdir (confd, 0700);
  g_file_set_contents (main_file, "[pipeline a]\nsource=test:\n", -1, NULL);
  g_file_set_contents (f1, "[pipeline b]\nsource=test:\n", -1, NULL);
  g_file_set_contents (f2, "[pipeline c]\nsource=test:\n", -1, NULL);
  p = vfd_config_load (main_file, TRUE, confd, &error);
  ck_assert_msg (p != NULL, "%s", error ? error->message : "");
  ck_assert_int_eq (p->len, 3);
  ck_assert_str_eq (((VfdPipelineConfig *) g_ptr_array_index (p, 2))->name,
      "c");
  g_ptr_array_unref (p);

  g_file_set_contents (f2, "\n[pipeline a]\nsource=test:\n", -1, NULL);
  p = vfd_config_load (main_file, TRUE, confd, &error);
  ck_assert (p == NULL);
  {
    gchar *expect = g_strdup_printf ("%s:2: duplicate pipeline 'a' (first at "
        "%s:1)", f2, main_file);
    ck_assert_str_eq (error->message, expect);
    g_free (expect);
  }
  g_clear_error (&error);

  /* a missing optional main file is fine, a required one is not */
  g_remove (main_file);
  g_remove (f2);
  p = vfd_config_load (main_file, FALSE, confd, &error);
  ck_assert (p != NULL);
  ck_assert_int_eq (p->len, 1);
  g_ptr_array_unref (p);
  p = vfd_config_load (main_file, TRUE, confd, &error);
  ck_assert (p == NULL);
  ck_assert (strstr (error->message, "vfilterd.conf") != NULL);
  g_clear_error (&error);

  g_remove (f1);
  g_rmdir (confd);
  g_rmdir (dir);
  g_free (f1);
  g_free (f2);
  g_free (confd);
  g_free (main_file);
  g_free (dir);
}

END_TEST;

START_TEST (test_filters_parse_in_order)
{
  GError *error = NULL;
  GPtrArray *f = vfd_filters_parse ("vfgaussianblur name=g2 sigma=2 ! "
      "vfboxblur name=b1 ! vfconvolve name=c3 kernel=\"1 2 1\"", &error);
  ck_assert_msg (f != NULL, "%s", error ? error->message : "");
  ck_assert_int_eq (f->len, 3);
  ck_assert_str_eq (GST_OBJECT_NAME (g_ptr_array_index (f, 0)), "g2");
  ck_assert_str_eq (GST_OBJECT_NAME (g_ptr_array_index (f, 1)), "b1");
  ck_assert_str_eq (GST_OBJECT_NAME (g_ptr_array_index (f, 2)), "c3");
  ck_assert_ptr_null (GST_OBJECT_PARENT (g_ptr_array_index (f, 0)));
  g_ptr_array_unref (f);
}

END_TEST;

static Suite *
config_suite (void)
{
  Suite *s = suite_create ("config");
  TCase *tc = tcase_create ("config");
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_good_file_with_two_pipelines);
  tcase_add_test (tc, test_defaults_and_loop);
  tcase_add_test (tc, test_shipped_examples_load);
  tcase_add_test (tc, test_unknown_key);
  tcase_add_test (tc, test_unknown_section);
  tcase_add_test (tc, test_bad_source_uri);
  tcase_add_test (tc, test_missing_source);
  tcase_add_test (tc, test_filters_do_not_parse);
  tcase_add_test (tc, test_bang_glued_to_value);
  tcase_add_test (tc, test_unknown_element);
  tcase_add_test (tc, test_bad_property_value);
  tcase_add_test (tc, test_thread_ceiling);
  tcase_add_test (tc, test_filter_without_name);
  tcase_add_test (tc, test_duplicate_names);
  tcase_add_test (tc, test_bad_caps_and_loop);
  tcase_add_test (tc, test_caps_bounds);
  tcase_add_test (tc, test_description_shape);
  tcase_add_test (tc, test_file_level_errors_have_lines);
  tcase_add_test (tc, test_least_privilege_rules);
  tcase_add_test (tc, test_conf_d_dropins_and_cross_file_duplicates);
  tcase_add_test (tc, test_filters_parse_in_order);
  suite_add_tcase (s, tc);
  suite_add_tcase (s, config_sinks_tcase ());
  return s;
}

int
main (int argc, char **argv)
{
  SRunner *sr;
  int failed;

  gst_init (&argc, &argv);
  sr = srunner_create (config_suite ());
  srunner_set_fork_status (sr, CK_NOFORK);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
