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
    "  add-sink|remove-sink PIPELINE URI\n"
    "                                  one sink more or fewer, while playing\n"
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

/* Proxies of the generated interface classes (vfd-dbus-generated.h): the
 * methods are typed calls; the properties come with them when `props` (one
 * GetAll), and no command listens to signals (no match rule to add). */
#define FLAGS(props) (G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS | \
    ((props) ? 0 : G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES))

static VfdDBusManager *
manager (gboolean props, GError ** error)
{
  return vfd_dbus_manager_proxy_new_sync (conn, FLAGS (props), bus_name,
      VFD_OBJECT_PATH, NULL, error);
}

static VfdDBusPipeline *
pipeline_proxy (const gchar * name, gboolean props, GError ** error)
{
  gchar *path = pipeline_path (name);
  VfdDBusPipeline *p = vfd_dbus_pipeline_proxy_new_sync (conn, FLAGS (props),
      bus_name, path, NULL, error);
  g_free (path);
  return p;
}

static VfdDBusFilter *
filter_proxy (const gchar * pipeline, const gchar * filter, GError ** error)
{
  gchar *path = filter_path (pipeline, filter);
  VfdDBusFilter *f = vfd_dbus_filter_proxy_new_sync (conn, FLAGS (FALSE),
      bus_name, path, NULL, error);
  g_free (path);
  return f;
}

/* A name the proxy has no cached properties for is not there. */
static gboolean
exists (gpointer proxy, const gchar * what, const gchar * name, GError ** error)
{
  gchar **props = g_dbus_proxy_get_cached_property_names (proxy);
  gboolean ok = props && props[0];
  g_strfreev (props);
  if (!ok)
    g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT,
        "no %s '%s'", what, name);
  return ok;
}

static const gchar *
or_empty (const gchar * s)
{
  return s ? s : "";
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
  VfdDBusManager *m = manager (TRUE, &error);
  const gchar *const *paths;

  if (!m || !exists (m, "daemon", bus_name, &error))
    return fail (error);
  paths = vfd_dbus_manager_get_pipelines (m);
  if (!paths || !paths[0])
    g_print ("no pipelines\n");
  for (guint i = 0; paths && paths[i]; i++) {
    VfdDBusPipeline *p = pipeline_proxy (paths[i], TRUE, &error);
    const gchar *const *filters;
    if (!p)
      return fail (error);
    if (brief) {
      g_print ("%s:", or_empty (vfd_dbus_pipeline_get_name (p)));
    } else {
      const gchar *err = or_empty (vfd_dbus_pipeline_get_last_error (p));
      g_print ("%s: %s, %.1f fps, %" G_GUINT64_FORMAT " frames (%"
          G_GUINT64_FORMAT " dropped)\n  source %s\n  sink   %s\n",
          or_empty (vfd_dbus_pipeline_get_name (p)),
          or_empty (vfd_dbus_pipeline_get_state (p)),
          vfd_dbus_pipeline_get_fps (p),
          vfd_dbus_pipeline_get_frames_processed (p),
          vfd_dbus_pipeline_get_frames_dropped (p),
          or_empty (vfd_dbus_pipeline_get_source (p)),
          or_empty (vfd_dbus_pipeline_get_sink (p)));
      if (*err)
        g_print ("  last error: %s\n", err);
    }
    filters = vfd_dbus_pipeline_get_filters (p);
    for (guint j = 0; filters && filters[j]; j++) {
      VfdDBusFilter *f = vfd_dbus_filter_proxy_new_sync (conn, FLAGS (TRUE),
          bus_name, filters[j], NULL, &error);
      if (!f)
        return fail (error);
      if (brief) {
        g_print (" %s", or_empty (vfd_dbus_filter_get_name (f)));
      } else {
        GVariant *props = vfd_dbus_filter_get_properties (f);
        gchar *pstr = props ? format_props (props) : g_strdup ("");
        g_print ("  filter %s (%s)%s:%s\n",
            or_empty (vfd_dbus_filter_get_name (f)),
            or_empty (vfd_dbus_filter_get_element (f)),
            vfd_dbus_filter_get_enabled (f) ? "" : " [disabled]", pstr);
        g_free (pstr);
      }
      g_object_unref (f);
    }
    if (brief)
      g_print ("\n");
    g_object_unref (p);
  }
  g_object_unref (m);
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

static int
done (gboolean ok, GError * error)
{
  return ok ? 0 : fail (error);
}

static int
manager_command (VfdDBusManager * m, const gchar * cmd, gint argc,
    gchar ** argv)
{
  GError *error = NULL;

  if (g_str_equal (cmd, "create")) {
    GVariant *dict;
    gchar *path = NULL;
    if (!need (argc, 1, "create NAME key=value…"))
      return 2;
    dict = kv_dict (argv + 1, argc - 1, TRUE, &error);
    if (!dict || !vfd_dbus_manager_call_create_pipeline_sync (m, argv[0],
            dict, &path, NULL, &error))
      return fail (error);
    g_print ("%s\n", path);
    g_free (path);
    return 0;
  }
  if (g_str_equal (cmd, "delete")) {
    gchar *path;
    gboolean ok;
    if (!need (argc, 1, "delete PIPELINE"))
      return 2;
    path = pipeline_path (argv[0]);
    ok = vfd_dbus_manager_call_remove_pipeline_sync (m, path, NULL, &error);
    g_free (path);
    return done (ok, error);
  }
  if (g_str_equal (cmd, "reload")) {
    gboolean ok = vfd_dbus_manager_call_reload_sync (m, NULL, &error);
    return done (ok, error);
  }
  /* devices */
  if (!exists (m, "daemon", bus_name, &error))
    return fail (error);
  {
    GVariant *devs = vfd_dbus_manager_get_devices (m), *dev;
    GVariantIter it;
    if (!devs || g_variant_n_children (devs) == 0) {
      g_print ("no V4L2 capture devices\n");
      return 0;
    }
    g_variant_iter_init (&it, devs);
    while ((dev = g_variant_iter_next_value (&it))) {
      print_device (dev);
      g_variant_unref (dev);
    }
  }
  return 0;
}

static gboolean
is_pipeline_command (const gchar * cmd)
{
  static const gchar *const cmds[] = { "add", "remove", "move", "source",
    "sink", "add-sink", "remove-sink", "play", "pause", "stop", "graph", NULL
  };
  return g_strv_contains (cmds, cmd);
}

static int
pipeline_command (VfdDBusPipeline * p, const gchar * cmd, gint argc,
    gchar ** argv, gint at)
{
  GError *error = NULL;
  gboolean ok;

  if (g_str_equal (cmd, "add")) {
    gchar *path = NULL;
    if (!need (argc, 2, "add PIPELINE 'DESCRIPTION' [--at N]"))
      return 2;
    if (!vfd_dbus_pipeline_call_add_filter_sync (p, argv[1], at, &path, NULL,
            &error))
      return fail (error);
    g_print ("%s\n", path);
    g_free (path);
    return 0;
  }
  if (g_str_equal (cmd, "remove") || g_str_equal (cmd, "move")) {
    gboolean move = g_str_equal (cmd, "move");
    gchar *fpath;
    if (!need (argc, move ? 3 : 2, move ? "move PIPELINE FILTER N" :
            "remove PIPELINE FILTER"))
      return 2;
    fpath = filter_path (argv[0], argv[1]);
    ok = move ? vfd_dbus_pipeline_call_move_filter_sync (p, fpath,
        atoi (argv[2]), NULL, &error) :
        vfd_dbus_pipeline_call_remove_filter_sync (p, fpath, NULL, &error);
    g_free (fpath);
    return done (ok, error);
  }
  if (g_str_equal (cmd, "source") || g_str_equal (cmd, "sink")) {
    if (!need (argc, 2, "source|sink PIPELINE URI"))
      return 2;
    ok = g_str_equal (cmd, "source") ?
        vfd_dbus_pipeline_call_set_source_sync (p, argv[1], NULL, &error) :
        vfd_dbus_pipeline_call_set_sink_sync (p, argv[1], NULL, &error);
    return done (ok, error);
  }
  if (g_str_equal (cmd, "add-sink") || g_str_equal (cmd, "remove-sink")) {
    if (!need (argc, 2, "add-sink|remove-sink PIPELINE URI"))
      return 2;
    ok = g_str_equal (cmd, "add-sink") ?
        vfd_dbus_pipeline_call_add_sink_sync (p, argv[1], NULL, &error) :
        vfd_dbus_pipeline_call_remove_sink_sync (p, argv[1], NULL, &error);
    return done (ok, error);
  }
  if (g_str_equal (cmd, "graph")) {
    gchar *dot = NULL;
    if (!vfd_dbus_pipeline_call_get_graph_sync (p, &dot, NULL, &error))
      return fail (error);
    g_print ("%s", dot);
    g_free (dot);
    return 0;
  }
  ok = g_str_equal (cmd, "play") ?
      vfd_dbus_pipeline_call_play_sync (p, NULL, &error) :
      g_str_equal (cmd, "pause") ?
      vfd_dbus_pipeline_call_pause_sync (p, NULL, &error) :
      vfd_dbus_pipeline_call_stop_sync (p, NULL, &error);
  return done (ok, error);
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

  if (g_str_equal (cmd, "status") || g_str_equal (cmd, "list")) {
    ret = cmd_status (g_str_equal (cmd, "list"));
  } else if (g_str_equal (cmd, "set")) {
    VfdDBusFilter *f;
    GVariant *dict;
    if (!need (argc, 3, "set PIPELINE FILTER key=value…"))
      return 2;
    dict = kv_dict (argv + 2, argc - 2, FALSE, &error);
    if (!dict || !(f = filter_proxy (argv[0], argv[1], &error)))
      return fail (error);
    ret = vfd_dbus_filter_call_set_sync (f, dict, NULL, &error) ? 0 :
        fail (error);
    g_object_unref (f);
  } else if (g_str_equal (cmd, "enable") || g_str_equal (cmd, "disable")) {
    VfdDBusFilter *f;
    GVariant *r;
    if (!need (argc, 2, "enable|disable PIPELINE FILTER"))
      return 2;
    if (!(f = filter_proxy (argv[0], argv[1], &error)))
      return fail (error);
    /* a property: set synchronously, to report a refusal */
    r = g_dbus_proxy_call_sync (G_DBUS_PROXY (f),
        "org.freedesktop.DBus.Properties.Set", g_variant_new ("(ssv)",
            "org.vfilterd.VFilter1.Filter", "Enabled",
            g_variant_new_boolean (g_str_equal (cmd, "enable"))),
        G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
    ret = r ? 0 : fail (error);
    if (r)
      g_variant_unref (r);
    g_object_unref (f);
  } else if (g_str_equal (cmd, "create") || g_str_equal (cmd, "delete")
      || g_str_equal (cmd, "reload") || g_str_equal (cmd, "devices")) {
    VfdDBusManager *m = manager (g_str_equal (cmd, "devices"), &error);
    if (!m)
      return fail (error);
    ret = manager_command (m, cmd, argc, argv);
    g_object_unref (m);
  } else if (g_str_equal (cmd, "watch")) {
    ret = cmd_watch ();
  } else {
    VfdDBusPipeline *p;
    if (!is_pipeline_command (cmd)) {
      g_printerr ("vfilterctl: unknown command '%s'\n\n%s", cmd, usage_text);
      return 2;
    }
    if (!need (argc, 1, "COMMAND PIPELINE …"))
      return 2;
    if (!(p = pipeline_proxy (argv[0], FALSE, &error)))
      return fail (error);
    ret = pipeline_command (p, cmd, argc, argv, at);
    g_object_unref (p);
  }
  g_object_unref (conn);
  return ret;
}
