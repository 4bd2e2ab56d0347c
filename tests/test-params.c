/* The parameter contract of every vfilter element: a set is applied whole
 * or refused whole with one warning naming the invalid value; concurrent
 * sets never lose a valid value; the "check" action signal runs the same
 * validation without applying; "take-refusals" tells a parser's caller
 * what was refused; allocation failures and oversized frames fail
 * cleanly; the elements of one pipeline share one worker pool.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

/* ---- warnings of the plugin's log domain ---------------------------------- */

static GPtrArray *warnings;
static GMutex warnings_lock;

static void
collect (const gchar * domain, GLogLevelFlags level, const gchar * message,
    gpointer data)
{
  g_mutex_lock (&warnings_lock);
  g_ptr_array_add (warnings, g_strdup (message));
  g_mutex_unlock (&warnings_lock);
}

static guint
warnings_begin (void)
{
  warnings = g_ptr_array_new_with_free_func (g_free);
  return g_log_set_handler ("vfilter", G_LOG_LEVEL_WARNING, collect, NULL);
}

static void
warnings_end (guint handler)
{
  g_log_remove_handler ("vfilter", handler);
  g_ptr_array_unref (warnings);
}

/* ---- one valid and one invalid value in one set, per element ------------ */

typedef struct
{
  const gchar *factory;
  const gchar *valid, *valid_value;     /* as gst_util_set_object_arg */
  const gchar *invalid, *invalid_value;
  const gchar *message;         /* what the one warning must say */
} MixedSet;

static const MixedSet mixed[] = {
  {"vfboxblur", "kernel-width", "7", "kernel-height", "0",
      "kernel-height '0' is not valid (expected 1 to 1023)"},
  {"vfgaussianblur", "sigma", "2.5", "kernel-width", "4",
      "kernel-width '4' must be odd"},
  {"vfmedian", "kernel-height", "5", "kernel-width", "4",
      "kernel-width '4' must be odd"},
  {"vfbilateral", "sigma-color", "30", "sigma-space", "inf",
      "sigma-space 'inf' is not valid (expected 0 to 10000)"},
  {"vfconvolve", "bias", "5", "divisor", "0",
      "divisor '0' must be a number other than 0"},
  {"vfconvolve", "kernel", "1 2 1", "anchor-x", "5",
      "anchor (5, -1) lies outside the 3x1 kernel"},
  {"vfnlmeans", "h", "12", "search-size", "8",
      "search-size '8' must be odd"},
  {"vfnlmeans", "patch-size", "3", "h", "0", "h '0' must be greater than 0"},
};

static gchar *
get_as_string (GstElement * e, const gchar * name)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (e),
      name);
  GValue v = G_VALUE_INIT;
  gchar *s;
  g_value_init (&v, pspec->value_type);
  g_object_get_property (G_OBJECT (e), name, &v);
  s = gst_value_serialize (&v);
  g_value_unset (&v);
  return s;
}

static void
value_from_string (GstElement * e, const gchar * name, const gchar * text,
    GValue * v)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (e),
      name);
  g_value_init (v, pspec->value_type);
  fail_unless (gst_value_deserialize_with_pspec (v, text, pspec));
}

GST_START_TEST (test_mixed_set_changes_nothing)
{
  const MixedSet *m = &mixed[__i__];
  GstElement *e = gst_element_factory_make (m->factory, NULL);
  gchar *before_valid = get_as_string (e, m->valid);
  gchar *before_invalid = get_as_string (e, m->invalid);
  const gchar *names[2] = { m->valid, m->invalid };
  GValue values[2] = { G_VALUE_INIT, G_VALUE_INIT };
  gchar *after;
  guint handler;

  value_from_string (e, m->valid, m->valid_value, &values[0]);
  value_from_string (e, m->invalid, m->invalid_value, &values[1]);
  handler = warnings_begin ();
  g_object_setv (G_OBJECT (e), 2, names, values);
  fail_unless_equals_int (warnings->len, 1);
  fail_unless (strstr (g_ptr_array_index (warnings, 0), m->message),
      "%s: warning '%s' does not say '%s'", m->factory,
      (gchar *) g_ptr_array_index (warnings, 0), m->message);
  warnings_end (handler);

  after = get_as_string (e, m->valid);
  fail_unless_equals_string (after, before_valid);
  g_free (after);
  after = get_as_string (e, m->invalid);
  fail_unless_equals_string (after, before_invalid);
  g_free (after);

  /* the valid value alone goes through */
  g_object_setv (G_OBJECT (e), 1, names, values);
  after = get_as_string (e, m->valid);
  fail_if (g_strcmp0 (after, before_valid) == 0, "%s: %s stayed %s",
      m->factory, m->valid, after);
  g_free (after);

  g_value_unset (&values[0]);
  g_value_unset (&values[1]);
  g_free (before_valid);
  g_free (before_invalid);
  gst_object_unref (e);
}

GST_END_TEST;

/* ---- two threads setting at once ----------------------------------------- */

#define ROUNDS 4000

/* vfbilateral: thread A sets sigma-color, thread B the window, every third
 * time as a combination the element refuses (no diameter and a sigma-space
 * too large for one) */
typedef struct
{
  GstElement *e;
  gboolean is_b;
  gdouble last_valid;
  guint lost;                   /* A: a value read back other than set */
} Setter;

static gpointer
setter_main (gpointer data)
{
  Setter *s = data;
  for (guint i = 0; i < ROUNDS; i++) {
    if (!s->is_b) {
      gdouble now;
      s->last_valid = 10 + i % 50;
      g_object_set (s->e, "sigma-color", s->last_valid, NULL);
      /* B's refusals must never take A's value back */
      g_object_get (s->e, "sigma-color", &now, NULL);
      s->lost += now != s->last_valid;
    } else if (i % 3 == 2) {
      g_object_set (s->e, "diameter", -1, "sigma-space", 200.0, NULL);
    } else {
      s->last_valid = 3 + 2 * (i % 5);
      g_object_set (s->e, "diameter", (gint) s->last_valid, "sigma-space",
          5.0, NULL);
    }
  }
  return NULL;
}

GST_START_TEST (test_concurrent_sets_lose_nothing)
{
  GstElement *e = gst_element_factory_make ("vfbilateral", NULL);
  Setter a = { e, FALSE, 0, 0 };
  Setter b = { e, TRUE, 0, 0 };
  guint handler = warnings_begin ();
  GThread *ta = g_thread_new ("a", setter_main, &a);
  GThread *tb = g_thread_new ("b", setter_main, &b);
  gdouble sigma_color;
  gint diameter;

  g_thread_join (ta);
  g_thread_join (tb);
  g_object_get (e, "sigma-color", &sigma_color, "diameter", &diameter, NULL);
  fail_unless_equals_int (a.lost, 0);
  fail_unless_equals_float (sigma_color, a.last_valid);
  fail_unless_equals_int (diameter, (gint) b.last_valid);
  /* one warning per refused set, each naming it; fewer than ROUNDS / 3
   * (down to none)
   * when GObject merged a thread's calls into one notification (another
   * thread's call was under way) and the later values of the same
   * properties replaced refused ones before they were committed */
  fail_unless (warnings->len <= ROUNDS / 3, "%u", warnings->len);
  for (guint i = 0; i < warnings->len; i++)
    fail_unless (strstr (g_ptr_array_index (warnings, i),
            "sigma-space '200' with diameter '-1'"), "%s",
        (gchar *) g_ptr_array_index (warnings, i));
  warnings_end (handler);
  gst_object_unref (e);
}

GST_END_TEST;

/* ---- the "check" action signal -------------------------------------------- */

static gchar *
check (GstElement * e, const gchar * fields)
{
  GstStructure *s = gst_structure_from_string (fields, NULL);
  gchar *msg = NULL;
  fail_unless (s != NULL, "bad test structure %s", fields);
  g_signal_emit_by_name (e, "check", s, &msg);
  gst_structure_free (s);
  return msg;
}

static void
assert_check (GstElement * e, const gchar * fields, const gchar * expected)
{
  gchar *msg = check (e, fields);
  if (!expected)
    fail_unless (msg == NULL, "%s: refused: %s", fields, msg);
  else
    fail_unless (msg && strstr (msg, expected), "%s: '%s' does not say '%s'",
        fields, msg ? msg : "(accepted)", expected);
  g_free (msg);
}

GST_START_TEST (test_check_signal)
{
  GstElement *m = gst_element_factory_make ("vfmedian", NULL);
  GstElement *g = gst_element_factory_make ("vfgaussianblur", NULL);
  GstElement *c = gst_element_factory_make ("vfconvolve", NULL);
  GstElement *b = gst_element_factory_make ("vfbilateral", NULL);
  guint handler = warnings_begin ();
  guint kw;

  assert_check (m, "v, kernel-width=(uint)5, kernel-height=(uint)7", NULL);
  assert_check (m, "v, kernel-width=(uint)4", "kernel-width '4' must be odd");
  assert_check (m, "v, kernel-width=(int)5", NULL);
  assert_check (m, "v, kernel-width=(double)5.5",
      "kernel-width '5.5' is not valid");
  assert_check (m, "v, kernel-width=(int)-1", "is not valid");
  assert_check (m, "v, border=(string)wrap", NULL);
  assert_check (m, "v, border=(string)nowhere", "border 'nowhere' is not "
      "valid (expected one of constant, replicate, reflect");
  assert_check (m, "v, name=(string)x", "has no parameter 'name'");
  assert_check (m, "v, colour=(uint)3", "has no parameter 'colour'");
  /* nothing was applied, nothing warned */
  g_object_get (m, "kernel-width", &kw, NULL);
  fail_unless_equals_int (kw, 3);
  fail_unless_equals_int (warnings->len, 0);

  assert_check (g, "v, sigma=(double)3", NULL);
  assert_check (g, "v, sigma=(string)inf", "sigma 'inf' is not valid "
      "(expected 0 to 170)");
  assert_check (g, "v, sigma=(double)-1", "sigma '-1' is not valid");
  /* combinations: against the set in effect */
  assert_check (c, "v, anchor-x=(int)2", "lies outside the 1x1 kernel");
  assert_check (c, "v, anchor-x=(int)2, kernel=(string)\"1 1 1\"", NULL);
  assert_check (c, "v, kernel=(string)\"1 x\"", "'x' (row 1, column 2) is "
      "not a number");
  assert_check (b, "v, diameter=(int)-1, sigma-space=(double)200",
      "sigma-space '200' with diameter '-1' gives a window");
  assert_check (b, "v, mode=(string)fast", NULL);
  fail_unless_equals_int (warnings->len, 0);
  warnings_end (handler);

  gst_object_unref (m);
  gst_object_unref (g);
  gst_object_unref (c);
  gst_object_unref (b);
}

GST_END_TEST;

/* ---- what the parser set and the element refused ---------------------------- */

GST_START_TEST (test_refusals_from_a_description)
{
  guint handler = warnings_begin ();
  GError *error = NULL;
  GstElement *e = gst_parse_launch ("vfgaussianblur sigma=inf kernel-width=5",
      &error);
  gchar *msg = NULL;

  fail_unless (e != NULL && error == NULL);
  g_signal_emit_by_name (e, "take-refusals", &msg);
  fail_unless (msg && strstr (msg, "sigma 'inf' is not valid"), "%s", msg);
  g_free (msg);
  msg = NULL;
  g_signal_emit_by_name (e, "take-refusals", &msg);
  fail_unless (msg == NULL, "taken twice: %s", msg);
  {
    guint kw;
    gdouble sigma;
    g_object_get (e, "kernel-width", &kw, "sigma", &sigma, NULL);
    /* the parser sets an element's properties as one set: refused whole */
    fail_unless_equals_int (kw, 0);
    fail_unless_equals_float (sigma, 0);
  }
  warnings_end (handler);
  gst_object_unref (e);
}

GST_END_TEST;

/* ---- resources ---------------------------------------------------------------- */

static GstBuffer *
gray_frame (gint w, gint h)
{
  GstVideoInfo info;
  GstBuffer *buf;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, w, h);
  buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  gst_buffer_memset (buf, 0, 77, info.size);
  return buf;
}

GST_START_TEST (test_allocation_failure_is_a_flow_error)
{
  static const gchar *factories[] = {
    "vfboxblur", "vfgaussianblur", "vfmedian", "vfbilateral", "vfconvolve",
    "vfnlmeans",
  };

  g_setenv ("VFK_FAIL_SCRATCH", "1", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (factories); i++) {
    GstHarness *h = gst_harness_new (factories[i]);
    GstMessage *msg;
    GstBus *bus = gst_bus_new ();

    gst_element_set_bus (h->element, bus);
    if (g_str_equal (factories[i], "vfmedian"))
      g_object_set (h->element, "kernel-width", 25, "kernel-height", 25, NULL);
    if (g_str_equal (factories[i], "vfconvolve"))
      g_object_set (h->element, "kernel", "1 2 1; 2 4 2; 1 2 1", NULL);
    gst_harness_set_src_caps_str (h,
        "video/x-raw,format=GRAY8,width=64,height=48,framerate=30/1");
    fail_unless_equals_int (gst_harness_push (h, gray_frame (64, 48)),
        GST_FLOW_ERROR);
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (msg != NULL, "%s: no error message", factories[i]);
    {
      GError *err = NULL;
      gst_message_parse_error (msg, &err, NULL);
      fail_unless (strstr (err->message, "Out of memory while filtering a "
              "64x48 frame"), "%s: %s", factories[i], err->message);
      g_error_free (err);
    }
    gst_message_unref (msg);
    gst_element_set_bus (h->element, NULL);
    gst_object_unref (bus);
    gst_harness_teardown (h);
  }
  g_unsetenv ("VFK_FAIL_SCRATCH");
}

GST_END_TEST;

GST_START_TEST (test_oversized_caps_refused)
{
  GstHarness *h = gst_harness_new ("vfboxblur");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h,
      "video/x-raw,format=RGBA,width=30000,height=20,framerate=30/1");
  fail_if (gst_harness_push (h, gst_buffer_new_allocate (NULL,
              30000 * 20 * 4, NULL)) == GST_FLOW_OK);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "30000x20 is too large: at most "
          "16384x16384"), "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- one worker pool per process --------------------------------------------- */

/* The worker threads of the kernel library's pools in this process (they
 * are named so; GStreamer's own threads come and go with the load). */
static guint
count_threads (void)
{
  GDir *dir = g_dir_open ("/proc/self/task", 0, NULL);
  const gchar *task;
  guint n = 0;
  fail_unless (dir != NULL);
  while ((task = g_dir_read_name (dir))) {
    gchar *path = g_strdup_printf ("/proc/self/task/%s/comm", task);
    gchar *comm = NULL;
    if (g_file_get_contents (path, &comm, NULL, NULL)
        && g_str_has_prefix (comm, "vfk-worker"))
      n++;
    g_free (comm);
    g_free (path);
  }
  g_dir_close (dir);
  return n;
}

/* A pipeline of `chain` playing until EOS. */
static GstElement *
play_to_eos (const gchar * chain)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=3 ! "
      "video/x-raw,format=GRAY8,width=64,height=48 ! %s ! fakesink", chain);
  GError *error = NULL;
  GstElement *p = gst_parse_launch_full (desc, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &error);
  GstBus *bus;
  GstMessage *msg;

  fail_unless (p != NULL, "%s: %s", desc, error ? error->message : "?");
  bus = gst_element_get_bus (p);
  gst_element_set_state (p, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS, "%s", desc);
  gst_message_unref (msg);
  gst_object_unref (bus);
  g_free (desc);
  return p;
}

static void
stop (GstElement * p)
{
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

/* Pool threads while `chain` has run to EOS and still plays. */
static guint
threads_while_playing (const gchar * chain)
{
  GstElement *p = play_to_eos (chain);
  guint n = count_threads ();
  stop (p);
  return n;
}

GST_START_TEST (test_one_pool_per_pipeline)
{
  guint one, five;

  if (g_get_num_processors () < 2) {
    /* a pool of one CPU has no worker thread to count */
    g_print ("test_one_pool_per_pipeline skipped: this machine has one CPU, "
        "so a worker pool starts no thread\n");
    return;
  }
  one = threads_while_playing ("vfboxblur");
  five = threads_while_playing ("vfboxblur ! vfgaussianblur ! vfmedian ! "
      "vfbilateral ! vfconvolve");
  /* one pool: CPUs - 1 workers (the caller is the last); five pools would
   * have 5 x (CPUs - 1) */
  fail_unless_equals_int (one, g_get_num_processors () - 1);
  fail_unless_equals_int (five, one);
  /* an element asked for its own thread count keeps its own pool */
  five = threads_while_playing ("vfboxblur ! vfmedian n-threads=3");
  fail_unless_equals_int (five, one + 2);
}

GST_END_TEST;

/* Thirty pipelines playing at once in one process (a daemon's) hold the
 * same worker threads as one. */
GST_START_TEST (test_one_pool_per_process)
{
  GstElement *p[30];
  guint one = threads_while_playing ("vftemporal");

  for (guint i = 0; i < G_N_ELEMENTS (p); i++)
    p[i] = play_to_eos (i % 2 ? "vfboxblur ! vfmedian" : "vftemporal");
  fail_unless_equals_int (count_threads (), one);
  for (guint i = 0; i < G_N_ELEMENTS (p); i++)
    stop (p[i]);
}

GST_END_TEST;

static Suite *
params_suite (void)
{
  Suite *s = suite_create ("params");
  TCase *tc = tcase_create ("contract");

  tcase_add_loop_test (tc, test_mixed_set_changes_nothing, 0,
      G_N_ELEMENTS (mixed));
  tcase_add_test (tc, test_concurrent_sets_lose_nothing);
  tcase_add_test (tc, test_check_signal);
  tcase_add_test (tc, test_refusals_from_a_description);
  tcase_add_test (tc, test_allocation_failure_is_a_flow_error);
  tcase_add_test (tc, test_oversized_caps_refused);
  tcase_add_test (tc, test_one_pool_per_pipeline);
  tcase_add_test (tc, test_one_pool_per_process);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (params);
