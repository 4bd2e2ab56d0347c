/* vfilterctl: command-line client of vfilterd.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gio/gio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfd-dbus-generated.h"
#include "vfd-service.h"

static GDBusConnection *conn;
static gchar *bus_name;

static const gchar *usage_text =
    "Commands:\n"
    "  status                          pipelines, state, fps, filters\n"
    "  list                            pipeline and filter names\n"
    "  set PIPELINE FILTER key=value…  change filter properties at once\n"
    "  add PIPELINE 'DESCRIPTION' [--at N]\n"
    "                                  add a filter (needs name=)\n"
    "  remove PIPELINE FILTER          remove a filter\n"
    "  enable|disable PIPELINE FILTER  bypass a filter or bring it back\n"
    "  move PIPELINE FILTER N          move a filter to position N\n"
    "  source|sink PIPELINE URI        change the source or sink\n"
    "  play|pause|stop PIPELINE\n"
    "  create NAME key=value…          a new pipeline (source=, sink=, …)\n"
    "  delete PIPELINE                 remove a pipeline\n"
    "  graph PIPELINE                  the pipeline as Graphviz DOT\n"
    "  reload                          re-read the configuration\n"
    "  devices                         V4L2 capture devices\n"
    "  watch                           print state and fps changes\n";

static int
fail (GError * error)
{
  gchar *remote = g_dbus_error_get_remote_error (error);
  g_dbus_error_strip_remote_error (error);
  g_printerr ("vfilterctl: %s%s%s%s\n", error->message,
      remote ? " [" : "", remote ? remote : "", remote ? "]" : "");
  g_free (remote);
  g_error_free (error);
  return 1;
}

static gchar *
pipeline_path (const gchar * name)
{
  if (g_str_has_prefix (name, "/"))
    return g_strdup (name);
  return g_strdup_printf (VFD_OBJECT_PATH "/pipeline/%s", name);
}

static gchar *
filter_path (const gchar * pipeline, const gchar * filter)
{
  gchar *p = pipeline_path (pipeline);
  gchar *f = g_strdup_printf ("%s/filter/%s", p, filter);
  g_free (p);
  return f;
}

static GVariant *
call (const gchar * path, const gchar * iface, const gchar * method,
    GVariant * args, const GVariantType * reply, GError ** error)
{
  return g_dbus_connection_call_sync (conn, bus_name, path, iface,
      method, args, reply, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, error);
}

static GVariant *
get_all (const gchar * path, const gchar * iface, GError ** error)
{
  GVariant *r = call (path, "org.freedesktop.DBus.Properties", "GetAll",
      g_variant_new ("(s)", iface), G_VARIANT_TYPE ("(a{sv})"), error);
  GVariant *d;
  if (!r)
    return NULL;
  d = g_variant_get_child_value (r, 0);
  g_variant_unref (r);
  return d;
}

static gchar *
lookup_s (GVariant * dict, const gchar * key)
{
  gchar *v = NULL;
  g_variant_lookup (dict, key, "s", &v);
  return v ? v : g_strdup ("");
}

static gchar **
pipelines (GError ** error)
{
  GVariant *d = get_all (VFD_OBJECT_PATH, "org.vfilterd.VFilter1.Manager",
      error);
  gchar **paths = NULL;
  if (!d)
    return NULL;
  g_variant_lookup (d, "Pipelines", "^ao", &paths);
  g_variant_unref (d);
  return paths ? paths : g_new0 (gchar *, 1);
}

static gchar *
format_props (GVariant * props)
{
  GString *s = g_string_new (NULL);
  GVariantIter it;
  const gchar *k;
  GVariant *v;
  g_variant_iter_init (&it, props);
  while (g_variant_iter_next (&it, "{&sv}", &k, &v)) {
    gchar *txt = g_variant_is_of_type (v, G_VARIANT_TYPE_STRING) ?
        g_strdup (g_variant_get_string (v, NULL)) : g_variant_print (v, FALSE);
    if (strchr (txt, ' '))
      g_string_append_printf (s, " %s=\"%s\"", k, txt);
    else
      g_string_append_printf (s, " %s=%s", k, txt);
    g_free (txt);
    g_variant_unref (v);
  }
  return g_string_free (s, FALSE);
}

static int
cmd_status (gboolean brief)
{
  GError *error = NULL;
  gchar **paths = pipelines (&error);
  if (!paths)
    return fail (error);
  if (!paths[0])
    g_print ("no pipelines\n");
  for (guint i = 0; paths[i]; i++) {
    GVariant *d = get_all (paths[i], "org.vfilterd.VFilter1.Pipeline",
        &error);
    gchar *name, *state, *src, *sink, *err;
    gchar **filters = NULL;
    guint64 done = 0, dropped = 0;
    gdouble fps = 0;
    if (!d)
      return fail (error);
    name = lookup_s (d, "Name");
    state = lookup_s (d, "State");
    src = lookup_s (d, "Source");
    sink = lookup_s (d, "Sink");
    err = lookup_s (d, "LastError");
    g_variant_lookup (d, "Filters", "^ao", &filters);
    g_variant_lookup (d, "FramesProcessed", "t", &done);
    g_variant_lookup (d, "FramesDropped", "t", &dropped);
    g_variant_lookup (d, "Fps", "d", &fps);
    if (brief) {
      g_print ("%s:", name);
    } else {
      g_print ("%s: %s, %.1f fps, %" G_GUINT64_FORMAT " frames (%"
          G_GUINT64_FORMAT " dropped)\n  source %s\n  sink   %s\n", name,
          state, fps, done, dropped, src, sink);
      if (*err)
        g_print ("  last error: %s\n", err);
    }
    for (guint j = 0; filters && filters[j]; j++) {
      GVariant *fd = get_all (filters[j], "org.vfilterd.VFilter1.Filter",
          &error);
      gchar *fname, *element, *pstr;
      gboolean enabled = TRUE;
      GVariant *props;
      if (!fd)
        return fail (error);
      fname = lookup_s (fd, "Name");
      element = lookup_s (fd, "Element");
      g_variant_lookup (fd, "Enabled", "b", &enabled);
      props = g_variant_lookup_value (fd, "Properties",
          G_VARIANT_TYPE ("a{sv}"));
      if (brief) {
        g_print (" %s", fname);
      } else {
        pstr = format_props (props);
        g_print ("  filter %s (%s)%s:%s\n", fname, element,
            enabled ? "" : " [disabled]", pstr);
        g_free (pstr);
      }
      g_variant_unref (props);
      g_variant_unref (fd);
      g_free (fname);
      g_free (element);
    }
    if (brief)
      g_print ("\n");
    g_strfreev (filters);
    g_free (name);
    g_free (state);
    g_free (src);
    g_free (sink);
    g_free (err);
    g_variant_unref (d);
  }
  g_strfreev (paths);
  return 0;
}

/* key=value arguments as a{sv} of strings (the daemon converts them) */
static GVariant *
kv_dict (gchar ** args, gint n, gboolean strings_only, GError ** error)
{
  GVariantBuilder b;
  g_variant_builder_init (&b, strings_only ? G_VARIANT_TYPE ("a{ss}") :
      G_VARIANT_TYPE ("a{sv}"));
  for (gint i = 0; i < n; i++) {
    const gchar *eq = strchr (args[i], '=');
    gchar *key;
    if (!eq || eq == args[i]) {
      g_variant_builder_clear (&b);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
          "'%s' is not key=value", args[i]);
      return NULL;
    }
    key = g_strndup (args[i], eq - args[i]);
    if (strings_only)
      g_variant_builder_add (&b, "{ss}", key, eq + 1);
    else
      g_variant_builder_add (&b, "{sv}", key, g_variant_new_string (eq + 1));
    g_free (key);
  }
  return g_variant_builder_end (&b);
}

static void
print_change (GDBusConnection * c, const gchar * sender, const gchar * path,
    const gchar * iface, const gchar * signal, GVariant * params, gpointer data)
{
  const gchar *which;
  GVariant *changed;
  GVariantIter it;
  const gchar *k;
  GVariant *v;
  GDateTime *now = g_date_time_new_now_local ();
  gchar *ts = g_date_time_format (now, "%H:%M:%S");

  g_variant_get (params, "(&s@a{sv}@as)", &which, &changed, NULL);
  g_variant_iter_init (&it, changed);
  while (g_variant_iter_next (&it, "{&sv}", &k, &v)) {
    if (g_str_equal (k, "State") || g_str_equal (k, "Fps")
        || g_str_equal (k, "LastError") || g_str_equal (k, "Enabled")
        || g_str_equal (k, "Filters") || g_str_equal (k, "Pipelines")) {
      gchar *txt = g_variant_print (v, FALSE);
      g_print ("%s %s %s=%s\n", ts, path, k, txt);
      g_free (txt);
    }
    g_variant_unref (v);
  }
  g_variant_unref (changed);
  g_free (ts);
  g_date_time_unref (now);
}

static int
cmd_watch (void)
{
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  g_dbus_connection_signal_subscribe (conn, bus_name,
      "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, print_change, NULL, NULL);
  g_print ("watching %s (Ctrl-C to stop)\n", bus_name);
  g_main_loop_run (loop);
  return 0;
}

static int
simple (const gchar * path, const gchar * iface, const gchar * method,
    GVariant * args)
{
  GError *error = NULL;
  GVariant *r = call (path, iface, method, args, NULL, &error);
  if (!r)
    return fail (error);
  g_variant_unref (r);
  return 0;
}

static int
need (gint argc, gint n, const gchar * what)
{
  if (argc < n) {
    g_printerr ("vfilterctl: usage: vfilterctl %s\n", what);
    return 0;
  }
  return 1;
}

/* path, card, driver and id, then a line per format: its sizes with rates */
static void
print_device (GVariant * dev)
{
  const gchar *path = "?", *card = "", *driver = "", *id = "";
  GVariant *formats, *fmt;
  GVariantIter it;

  g_variant_lookup (dev, "path", "&s", &path);
  g_variant_lookup (dev, "card", "&s", &card);
  g_variant_lookup (dev, "driver", "&s", &driver);
  g_variant_lookup (dev, "id", "&s", &id);
  g_print ("%s  %s (%s)%s%s\n", path, card, driver, *id ? "  " : "", id);
  formats = g_variant_lookup_value (dev, "formats", G_VARIANT_TYPE ("aa{sv}"));
  if (!formats)
    return;
  g_variant_iter_init (&it, formats);
  while ((fmt = g_variant_iter_next_value (&it))) {
    const gchar *fourcc = "?";
    gboolean emulated = FALSE;
    GVariantIter sit;
    guint w, h;
    GVariant *rates;
    GString *line = g_string_new (NULL);
    GVariant *sizes = g_variant_lookup_value (fmt, "sizes",
        G_VARIANT_TYPE ("a(uuas)"));
    g_variant_lookup (fmt, "fourcc", "&s", &fourcc);
    g_variant_lookup (fmt, "emulated", "b", &emulated);
    /* '*': converted by libv4l2, not the camera's own */
    g_string_append_printf (line, "    %-4s%s", fourcc, emulated ? "*" : " ");
    if (sizes) {
      g_variant_iter_init (&sit, sizes);
      while (g_variant_iter_next (&sit, "(uu@as)", &w, &h, &rates)) {
        const gchar **v = g_variant_get_strv (rates, NULL);
        gchar *r = g_strjoinv (",", (gchar **) v);
        g_string_append_printf (line, " %ux%u@%s", w, h, r);
        g_free (r);
        g_free (v);
        g_variant_unref (rates);
      }
      g_variant_unref (sizes);
    }
    g_print ("%s\n", line->str);
    g_string_free (line, TRUE);
    g_variant_unref (fmt);
  }
  g_variant_unref (formats);
}

int
main (int argc, char **argv)
{
  gboolean session = FALSE, system_bus = FALSE;
  gint at = -1;
  gchar *instance = NULL;
  GOptionEntry entries[] = {
    {"instance", 'i', 0, G_OPTION_ARG_STRING, &instance,
        "Talk to instance NAME (vfilterd@NAME.service)", "NAME"},
    {"session", 0, 0, G_OPTION_ARG_NONE, &session, "Use the session bus",
        NULL},
    {"system", 0, 0, G_OPTION_ARG_NONE, &system_bus, "Use the system bus",
        NULL},
    {"at", 0, 0, G_OPTION_ARG_INT, &at, "Position for add (default: end)",
        "N"},
    {NULL}
  };
  GOptionContext *ctx;
  GError *error = NULL;
  const gchar *cmd;
  const gchar *P = "org.vfilterd.VFilter1.Pipeline";
  const gchar *M = "org.vfilterd.VFilter1.Manager";
  int ret = 2;

  setlocale (LC_ALL, "");
  ctx = g_option_context_new ("COMMAND [ARGS…] - control vfilterd");
  g_option_context_set_description (ctx, usage_text);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("vfilterctl: %s\n", error->message);
    return 2;
  }
  if (argc < 2) {
    gchar *help = g_option_context_get_help (ctx, TRUE, NULL);
    g_printerr ("%s", help);
    g_free (help);
    return 2;
  }
  g_option_context_free (ctx);
  if (!session && !system_bus)
    system_bus = getuid () == 0;
  bus_name = instance ? g_strdup_printf (VFD_BUS_NAME ".%s", instance) :
      g_strdup (VFD_BUS_NAME);

  conn = g_bus_get_sync (system_bus ? G_BUS_TYPE_SYSTEM : G_BUS_TYPE_SESSION,
      NULL, &error);
  if (!conn)
    return fail (error);

  cmd = argv[1];
  argv += 2;
  argc -= 2;

  if (g_str_equal (cmd, "status")) {
    ret = cmd_status (FALSE);
  } else if (g_str_equal (cmd, "list")) {
    ret = cmd_status (TRUE);
  } else if (g_str_equal (cmd, "set")) {
    GVariant *dict;
    gchar *path;
    if (!need (argc, 3, "set PIPELINE FILTER key=value…"))
      return 2;
    dict = kv_dict (argv + 2, argc - 2, FALSE, &error);
    if (!dict)
      return fail (error);
    path = filter_path (argv[0], argv[1]);
    ret = simple (path, "org.vfilterd.VFilter1.Filter", "Set",
        g_variant_new ("(@a{sv})", dict));
    g_free (path);
  } else if (g_str_equal (cmd, "add")) {
    gchar *path;
    GVariant *r;
    if (!need (argc, 2, "add PIPELINE 'DESCRIPTION' [--at N]"))
      return 2;
    path = pipeline_path (argv[0]);
    r = call (path, P, "AddFilter", g_variant_new ("(si)", argv[1], at),
        G_VARIANT_TYPE ("(o)"), &error);
    g_free (path);
    if (!r)
      return fail (error);
    {
      const gchar *o;
      g_variant_get (r, "(&o)", &o);
      g_print ("%s\n", o);
    }
    g_variant_unref (r);
    ret = 0;
  } else if (g_str_equal (cmd, "remove") || g_str_equal (cmd, "move")) {
    gboolean move = g_str_equal (cmd, "move");
    gchar *path, *fpath;
    if (!need (argc, move ? 3 : 2, move ? "move PIPELINE FILTER N" :
            "remove PIPELINE FILTER"))
      return 2;
    path = pipeline_path (argv[0]);
    fpath = filter_path (argv[0], argv[1]);
    ret = move ? simple (path, P, "MoveFilter", g_variant_new ("(oi)", fpath,
            atoi (argv[2]))) : simple (path, P, "RemoveFilter",
        g_variant_new ("(o)", fpath));
    g_free (path);
    g_free (fpath);
  } else if (g_str_equal (cmd, "enable") || g_str_equal (cmd, "disable")) {
    gchar *fpath;
    if (!need (argc, 2, "enable|disable PIPELINE FILTER"))
      return 2;
    fpath = filter_path (argv[0], argv[1]);
    ret = simple (fpath, "org.freedesktop.DBus.Properties", "Set",
        g_variant_new ("(ssv)", "org.vfilterd.VFilter1.Filter", "Enabled",
            g_variant_new_boolean (g_str_equal (cmd, "enable"))));
    g_free (fpath);
  } else if (g_str_equal (cmd, "source") || g_str_equal (cmd, "sink")) {
    gchar *path;
    if (!need (argc, 2, "source|sink PIPELINE URI"))
      return 2;
    path = pipeline_path (argv[0]);
    ret = simple (path, P, g_str_equal (cmd, "source") ? "SetSource" :
        "SetSink", g_variant_new ("(s)", argv[1]));
    g_free (path);
  } else if (g_str_equal (cmd, "play") || g_str_equal (cmd, "pause")
      || g_str_equal (cmd, "stop")) {
    gchar *path;
    const gchar *m = g_str_equal (cmd, "play") ? "Play" :
        g_str_equal (cmd, "pause") ? "Pause" : "Stop";
    if (!need (argc, 1, "play|pause|stop PIPELINE"))
      return 2;
    path = pipeline_path (argv[0]);
    ret = simple (path, P, m, NULL);
    g_free (path);
  } else if (g_str_equal (cmd, "create")) {
    GVariant *dict, *r;
    if (!need (argc, 1, "create NAME key=value…"))
      return 2;
    dict = kv_dict (argv + 1, argc - 1, TRUE, &error);
    if (!dict)
      return fail (error);
    r = call (VFD_OBJECT_PATH, M, "CreatePipeline", g_variant_new ("(s@a{ss})",
            argv[0], dict), G_VARIANT_TYPE ("(o)"), &error);
    if (!r)
      return fail (error);
    {
      const gchar *o;
      g_variant_get (r, "(&o)", &o);
      g_print ("%s\n", o);
    }
    g_variant_unref (r);
    ret = 0;
  } else if (g_str_equal (cmd, "delete")) {
    gchar *path;
    if (!need (argc, 1, "delete PIPELINE"))
      return 2;
    path = pipeline_path (argv[0]);
    ret = simple (VFD_OBJECT_PATH, M, "RemovePipeline",
        g_variant_new ("(o)", path));
    g_free (path);
  } else if (g_str_equal (cmd, "graph")) {
    gchar *path;
    GVariant *r;
    if (!need (argc, 1, "graph PIPELINE"))
      return 2;
    path = pipeline_path (argv[0]);
    r = call (path, P, "GetGraph", NULL, G_VARIANT_TYPE ("(s)"), &error);
    g_free (path);
    if (!r)
      return fail (error);
    {
      const gchar *dot;
      g_variant_get (r, "(&s)", &dot);
      g_print ("%s", dot);
    }
    g_variant_unref (r);
    ret = 0;
  } else if (g_str_equal (cmd, "reload")) {
    ret = simple (VFD_OBJECT_PATH, M, "Reload", NULL);
  } else if (g_str_equal (cmd, "devices")) {
    GVariant *d = get_all (VFD_OBJECT_PATH, M, &error), *devs;
    GVariantIter it;
    GVariant *dev;
    if (!d)
      return fail (error);
    devs = g_variant_lookup_value (d, "Devices", G_VARIANT_TYPE ("aa{sv}"));
    if (!devs || g_variant_n_children (devs) == 0)
      g_print ("no V4L2 capture devices\n");
    else {
      g_variant_iter_init (&it, devs);
      while ((dev = g_variant_iter_next_value (&it))) {
        print_device (dev);
        g_variant_unref (dev);
      }
    }
    if (devs)
      g_variant_unref (devs);
    g_variant_unref (d);
    ret = 0;
  } else if (g_str_equal (cmd, "watch")) {
    ret = cmd_watch ();
  } else {
    g_printerr ("vfilterctl: unknown command '%s'\n\n%s", cmd, usage_text);
    ret = 2;
  }
  g_object_unref (conn);
  return ret;
}
