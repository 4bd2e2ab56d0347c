/* The D-Bus face of the daemon.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Objects come from the interface XML through gdbus-codegen; pipelines and
 * filters are exported under an ObjectManager.  Internal errors are
 * GErrors in VFD_ERROR, mapped to D-Bus error names only here. */
#include <string.h>

#include "vfd-build-config.h"
#include "vfd-config.h"
#include "vfd-devices.h"
#include "vfd-dbus-generated.h"
#include "vfd-pipeline.h"
#include "vfd-policy.h"
#include "vfd-rtsp.h"
#include "vfd-service-private.h"
#include "vfd-sinks.h"
#include "vfd-uri.h"

gboolean
vfd_instance_valid (const gchar * name)
{
  gsize n = 0;
  if (!name || !*name || g_ascii_isdigit (*name))
    return FALSE;
  for (const gchar * p = name; *p; p++, n++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return n <= 64;
}

/* Internal errors become D-Bus errors here, at the edge: the daemon's own
 * by their registered names (vfd_error_quark), an invalid argument as the
 * standard InvalidArgs. */
void
vfd_service_return_error (GDBusMethodInvocation * inv, GError * error)
{
  vfd_error_sanitize (error);
  if (error->domain == VFD_ERROR && error->code == VFD_ERROR_INVALID)
    g_dbus_method_invocation_return_error_literal (inv, G_DBUS_ERROR,
        G_DBUS_ERROR_INVALID_ARGS, error->message);
  else if (error->domain == VFD_ERROR)
    g_dbus_method_invocation_return_gerror (inv, error);
  else
    g_dbus_method_invocation_return_error_literal (inv, VFD_ERROR,
        VFD_ERROR_FAILED, error->message);
  g_error_free (error);
}

/* ---- pipelines ------------------------------------------------------------- */

static void
publish_sinks (Entry * e)
{
  gchar **uris = vfd_pipeline_get_sinks (e->p);
  vfd_dbus_pipeline_set_sink (e->iface, vfd_pipeline_get_sink (e->p));
  vfd_dbus_pipeline_set_sinks (e->iface, (const gchar * const *) uris);
  g_strfreev (uris);
}

static void
encoder_time (const gchar * uri, VfdTiming * t, gpointer data)
{
  gint64 frames;
  gdouble seconds;

  vfd_timing_read (t, &frames, &seconds);
  g_variant_builder_add (data, "{s(td)}", uri, (guint64) frames, seconds);
}

/* The numbers /metrics shows beside the counters (once a second). */
static void
publish_timings (Entry * e)
{
  GVariantBuilder b;
  GPtrArray *filters = vfd_pipeline_get_filters (e->p);

  vfd_dbus_pipeline_set_reconnects (e->iface,
      vfd_pipeline_get_reconnects (e->p));
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{s(td)}"));
  vfd_pipeline_foreach_encoder (e->p, encoder_time, &b);
  vfd_dbus_pipeline_set_encoder_times (e->iface, g_variant_builder_end (&b));
  for (guint i = 0; i < filters->len; i++)
    filter_sync_timing (((VfdFilter *) g_ptr_array_index (filters,
                i))->user_data);
}

static void
pipeline_changed (VfdPipeline * p, VfdChanged what, VfdFilter * f,
    gpointer data)
{
  Entry *e = data;
  if (!e->iface)
    return;                     /* still being built */
  if (what & VFD_CHANGED_STATE)
    vfd_dbus_pipeline_set_state (e->iface,
        vfd_pipeline_state_name (vfd_pipeline_get_state (p)));
  if (what & VFD_CHANGED_ERROR)
    vfd_dbus_pipeline_set_last_error (e->iface,
        vfd_pipeline_get_last_error (p));
  if (what & VFD_CHANGED_COUNTERS) {
    vfd_dbus_pipeline_set_frames_processed (e->iface,
        vfd_pipeline_get_frames_processed (p));
    vfd_dbus_pipeline_set_frames_dropped (e->iface,
        vfd_pipeline_get_frames_dropped (p));
    vfd_dbus_pipeline_set_fps (e->iface, vfd_pipeline_get_fps (p));
    publish_timings (e);
  }
  if (what & VFD_CHANGED_SOURCE)
    vfd_dbus_pipeline_set_source (e->iface, vfd_pipeline_get_source (p));
  if (what & VFD_CHANGED_SINK)
    publish_sinks (e);
  if (what & VFD_CHANGED_FILTERS)
    sync_filters (e);
  if ((what & VFD_CHANGED_FILTER_PROPS) && f && f->user_data)
    filter_sync (f->user_data);
}

#define ENTRY_METHOD(name, call)                                              \
  static gboolean                                                             \
  handle_##name (VfdDBusPipeline * iface, GDBusMethodInvocation * inv,        \
      gpointer data)                                                          \
  {                                                                           \
    Entry *e = data;                                                          \
    call (e->p);                                                              \
    vfd_dbus_pipeline_complete_##name (iface, inv);                           \
    return TRUE;                                                              \
  }

ENTRY_METHOD (play, vfd_pipeline_play);
ENTRY_METHOD (pause, vfd_pipeline_pause);
ENTRY_METHOD (stop, vfd_pipeline_stop);

/* The methods taking one URI: `check` (the caller may ask for it), then
 * the pipeline's call. */
static gboolean
set_source_checked (VfdPipeline * p, const gchar * uri, GError ** error)
{
  return vfd_policy_check_uri (uri, TRUE, error)
      && vfd_pipeline_set_source (p, uri, error);
}

static gboolean
set_sink_checked (VfdPipeline * p, const gchar * uri, GError ** error)
{
  return vfd_sinks_check (uri, vfd_pipeline_get_config (p), TRUE, error)
      && vfd_pipeline_set_sink (p, uri, error);
}

static gboolean
add_sink_checked (VfdPipeline * p, const gchar * uri, GError ** error)
{
  return vfd_policy_check_uri (uri, TRUE, error)
      && vfd_pipeline_add_sink (p, uri, error);
}

#define URI_METHOD(name, call)                                                \
  static gboolean                                                             \
  handle_##name (VfdDBusPipeline * iface, GDBusMethodInvocation * inv,        \
      const gchar * uri, gpointer data)                                       \
  {                                                                           \
    Entry *e = data;                                                          \
    GError *error = NULL;                                                     \
    if (!call (e->p, uri, &error))                                            \
      vfd_service_return_error (inv, error);                                              \
    else                                                                      \
      vfd_dbus_pipeline_complete_##name (iface, inv);                         \
    return TRUE;                                                              \
  }

URI_METHOD (set_source, set_source_checked);
URI_METHOD (set_sink, set_sink_checked);
URI_METHOD (add_sink, add_sink_checked);
URI_METHOD (remove_sink, vfd_pipeline_remove_sink);

static gboolean
handle_add_filter (VfdDBusPipeline * iface, GDBusMethodInvocation * inv,
    const gchar * desc, gint position, gpointer data)
{
  Entry *e = data;
  GError *error = NULL;
  VfdFilter *f = vfd_pipeline_add_filter (e->p, desc, position, &error);
  if (!f)
    vfd_service_return_error (inv, error);
  else
    vfd_dbus_pipeline_complete_add_filter (iface, inv,
        ((FilterEntry *) f->user_data)->path);
  return TRUE;
}

static gboolean
handle_remove_filter (VfdDBusPipeline * iface, GDBusMethodInvocation * inv,
    const gchar * path, gpointer data)
{
  Entry *e = data;
  GError *error = NULL;
  FilterEntry *fe = lookup_filter (e, path, &error);
  VfdFilter *f;
  if (!fe) {
    vfd_service_return_error (inv, error);
    return TRUE;
  }
  f = fe->f;
  filter_unexport (fe);
  vfd_pipeline_remove_filter (e->p, f, NULL);
  vfd_dbus_pipeline_complete_remove_filter (iface, inv);
  return TRUE;
}

static gboolean
handle_move_filter (VfdDBusPipeline * iface, GDBusMethodInvocation * inv,
    const gchar * path, gint position, gpointer data)
{
  Entry *e = data;
  GError *error = NULL;
  FilterEntry *fe = lookup_filter (e, path, &error);
  if (!fe || !vfd_pipeline_move_filter (e->p, fe->f, position, &error))
    vfd_service_return_error (inv, error);
  else
    vfd_dbus_pipeline_complete_move_filter (iface, inv);
  return TRUE;
}

static gboolean
handle_get_graph (VfdDBusPipeline * iface, GDBusMethodInvocation * inv,
    gpointer data)
{
  Entry *e = data;
  gchar *dot = vfd_pipeline_get_graph (e->p);
  vfd_dbus_pipeline_complete_get_graph (iface, inv, dot);
  g_free (dot);
  return TRUE;
}

static void
update_pipeline_list (VfdService * s)
{
  GPtrArray *paths = g_ptr_array_new ();
  for (guint i = 0; i < s->entries->len; i++)
    g_ptr_array_add (paths, ((Entry *) g_ptr_array_index (s->entries,
                i))->path);
  g_ptr_array_add (paths, NULL);
  vfd_dbus_manager_set_pipelines (s->manager,
      (const gchar * const *) paths->pdata);
  g_ptr_array_unref (paths);
}

static Entry *
find_entry (VfdService * s, const gchar * name_or_path)
{
  for (guint i = 0; i < s->entries->len; i++) {
    Entry *e = g_ptr_array_index (s->entries, i);
    if (g_str_equal (e->path, name_or_path)
        || g_str_equal (vfd_pipeline_get_name (e->p), name_or_path))
      return e;
  }
  return NULL;
}

static Entry *
entry_new (VfdService * s, const VfdPipelineConfig * cfg, gboolean from_config,
    GError ** error)
{
  Entry *e = g_new0 (Entry, 1);
  VfdPipeline *p;

  if (find_entry (s, cfg->name)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "a pipeline named '%s' already exists", cfg->name);
    g_free (e);
    return NULL;
  }
  if (s->entries->len >= VFD_MAX_PIPELINES) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED,
        "already %d pipelines, the maximum", VFD_MAX_PIPELINES);
    g_free (e);
    return NULL;
  }
  p = vfd_pipeline_new (cfg, pipeline_changed, e, error);
  if (!p) {
    g_free (e);
    return NULL;
  }
  e->s = s;
  e->p = p;
  e->from_config = from_config;
  e->path = g_strdup_printf (VFD_OBJECT_PATH "/pipeline/%s", cfg->name);
  e->obj = vfd_dbus_object_skeleton_new (e->path);
  e->iface = vfd_dbus_pipeline_skeleton_new ();
  vfd_dbus_pipeline_set_name (e->iface, cfg->name);
  vfd_dbus_pipeline_set_state (e->iface,
      vfd_pipeline_state_name (vfd_pipeline_get_state (p)));
  vfd_dbus_pipeline_set_source (e->iface, vfd_pipeline_get_source (p));
  publish_sinks (e);
  vfd_dbus_pipeline_set_last_error (e->iface, "");
  g_signal_connect (e->iface, "handle-play", G_CALLBACK (handle_play), e);
  g_signal_connect (e->iface, "handle-pause", G_CALLBACK (handle_pause), e);
  g_signal_connect (e->iface, "handle-stop", G_CALLBACK (handle_stop), e);
  g_signal_connect (e->iface, "handle-set-source",
      G_CALLBACK (handle_set_source), e);
  g_signal_connect (e->iface, "handle-set-sink",
      G_CALLBACK (handle_set_sink), e);
  g_signal_connect (e->iface, "handle-add-sink",
      G_CALLBACK (handle_add_sink), e);
  g_signal_connect (e->iface, "handle-remove-sink",
      G_CALLBACK (handle_remove_sink), e);
  g_signal_connect (e->iface, "handle-add-filter",
      G_CALLBACK (handle_add_filter), e);
  g_signal_connect (e->iface, "handle-remove-filter",
      G_CALLBACK (handle_remove_filter), e);
  g_signal_connect (e->iface, "handle-move-filter",
      G_CALLBACK (handle_move_filter), e);
  g_signal_connect (e->iface, "handle-get-graph",
      G_CALLBACK (handle_get_graph), e);
  vfd_dbus_object_skeleton_set_pipeline (e->obj, e->iface);
  if (s->om)
    g_dbus_object_manager_server_export (s->om,
        G_DBUS_OBJECT_SKELETON (e->obj));
  sync_filters (e);
  g_ptr_array_add (s->entries, e);
  update_pipeline_list (s);
  vfd_pipeline_play (p);
  return e;
}

static void
entry_free (Entry * e, gboolean wait)
{
  GPtrArray *filters = vfd_pipeline_get_filters (e->p);
  for (guint i = 0; i < filters->len; i++) {
    VfdFilter *f = g_ptr_array_index (filters, i);
    if (f->user_data)
      filter_unexport (f->user_data);
  }
  if (e->s->om)
    g_dbus_object_manager_server_unexport (e->s->om, e->path);
  g_signal_handlers_disconnect_by_data (e->iface, e);
  vfd_pipeline_free_full (e->p, wait);
  g_object_unref (e->iface);
  g_object_unref (e->obj);
  g_free (e->path);
  g_free (e);
}

static void
entry_remove_full (VfdService * s, Entry * e, gboolean wait)
{
  g_ptr_array_remove (s->entries, e);
  entry_free (e, wait);
  update_pipeline_list (s);
}

static void
entry_remove (VfdService * s, Entry * e)
{
  entry_remove_full (s, e, FALSE);
}

/* ---- manager -------------------------------------------------------------------- */

static gboolean
handle_create_pipeline (VfdDBusManager * iface, GDBusMethodInvocation * inv,
    const gchar * name, GVariant * config, gpointer data)
{
  VfdService *s = data;
  GError *error = NULL;
  VfdPipelineConfig *cfg = vfd_pipeline_config_from_variant (name, config,
      &error);
  Entry *e = cfg ? entry_new (s, cfg, FALSE, &error) : NULL;
  vfd_pipeline_config_free (cfg);
  if (!e)
    vfd_service_return_error (inv, error);
  else
    vfd_dbus_manager_complete_create_pipeline (iface, inv, e->path);
  return TRUE;
}

static gboolean
handle_remove_pipeline (VfdDBusManager * iface, GDBusMethodInvocation * inv,
    const gchar * path, gpointer data)
{
  VfdService *s = data;
  Entry *e = find_entry (s, path);
  if (!e) {
    vfd_service_return_error (inv, g_error_new (VFD_ERROR, VFD_ERROR_NOT_FOUND,
            "no pipeline '%s'", path));
    return TRUE;
  }
  entry_remove (s, e);
  vfd_dbus_manager_complete_remove_pipeline (iface, inv);
  return TRUE;
}

static gboolean
handle_reload (VfdDBusManager * iface, GDBusMethodInvocation * inv,
    gpointer data)
{
  VfdService *s = data;
  GError *error = NULL;
  if (!vfd_service_reload (s, &error))
    vfd_service_return_error (inv, error);
  else
    vfd_dbus_manager_complete_reload (iface, inv);
  return TRUE;
}

/* Logs each capture device that came or went, by path. */
static void
log_device_changes (GVariant * before, GVariant * after, const gchar * verb)
{
  GVariantIter it;
  GVariant *dev;
  g_variant_iter_init (&it, after);
  while ((dev = g_variant_iter_next_value (&it))) {
    const gchar *path = NULL, *card = "";
    gboolean seen = FALSE;
    GVariantIter jt;
    GVariant *old;
    g_variant_lookup (dev, "path", "&s", &path);
    g_variant_lookup (dev, "card", "&s", &card);
    g_variant_iter_init (&jt, before);
    while (!seen && (old = g_variant_iter_next_value (&jt))) {
      const gchar *p = NULL;
      seen = g_variant_lookup (old, "path", "&s", &p) && g_strcmp0 (p,
          path) == 0;
      g_variant_unref (old);
    }
    if (!seen)
      g_log_structured ("vfilterd", G_LOG_LEVEL_MESSAGE, "DEVICE", path,
          "MESSAGE", "camera %s: %s (%s)", verb, path, card);
    g_variant_unref (dev);
  }
}

static void
devices_changed (GVariant * devices, gpointer data)
{
  VfdService *s = data;
  GVariant *before = vfd_dbus_manager_get_devices (s->manager);
  log_device_changes (before, devices, "added");
  log_device_changes (devices, before, "removed");
  vfd_dbus_manager_set_devices (s->manager, devices);
  /* a camera may be back: pipelines waiting for theirs try at once */
  for (guint i = 0; i < s->entries->len; i++) {
    Entry *e = g_ptr_array_index (s->entries, i);
    if (g_str_has_prefix (vfd_pipeline_get_source (e->p), "v4l2:"))
      vfd_pipeline_retry_now (e->p);
  }
}

VfdService *
vfd_service_new (const gchar * config_file, const gchar * confd,
    gboolean required)
{
  VfdService *s = g_new0 (VfdService, 1);
  s->config_file = g_strdup (config_file);
  s->confd = g_strdup (confd);
  s->required = required;
  s->entries = g_ptr_array_new ();
  s->manager = vfd_dbus_manager_skeleton_new ();
  vfd_dbus_manager_set_version (s->manager, VERSION);
  s->devices = vfd_devices_new (devices_changed, s);
  vfd_dbus_manager_set_devices (s->manager, vfd_devices_get (s->devices));
  update_pipeline_list (s);
  g_signal_connect (s->manager, "handle-create-pipeline",
      G_CALLBACK (handle_create_pipeline), s);
  g_signal_connect (s->manager, "handle-remove-pipeline",
      G_CALLBACK (handle_remove_pipeline), s);
  g_signal_connect (s->manager, "handle-reload", G_CALLBACK (handle_reload), s);
  return s;
}

/* ---- metrics ----------------------------------------------------------------- */

/* The listener follows the configuration; a new address that cannot be
 * had leaves the old one. */
static gboolean
apply_metrics (VfdService * s, const gchar * address, GError ** error)
{
  VfdMetrics *m = NULL;

  if (g_strcmp0 (address, s->metrics ? vfd_metrics_get_address (s->metrics) :
          NULL) == 0)
    return TRUE;
  if (address && !(m = vfd_metrics_new (address, vfd_service_metrics_page, s,
              error)))
    return FALSE;
  vfd_metrics_free (s->metrics);
  s->metrics = m;
  if (m)
    g_log_structured ("vfilterd", G_LOG_LEVEL_MESSAGE, "MESSAGE", "metrics "
        "at http://%s/metrics", address);
  return TRUE;
}

gboolean
vfd_service_load (VfdService * s, GError ** error)
{
  GPtrArray *configs = vfd_config_load (s->config_file, s->required, s->confd,
      error);
  if (!configs)
    return FALSE;
  if (!apply_metrics (s, vfd_config_metrics (), error)
      || !vfd_rtsp_serve (vfd_config_rtsp (), error)) {
    g_ptr_array_unref (configs);
    return FALSE;
  }
  if (s->configs)
    g_ptr_array_unref (s->configs);
  s->configs = configs;
  return TRUE;
}

void
vfd_service_export (VfdService * s, GDBusConnection * connection)
{
  GError *error = NULL;
  s->conn = g_object_ref (connection);
  s->om = g_dbus_object_manager_server_new (VFD_OBJECT_PATH);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON
          (s->manager), connection, VFD_OBJECT_PATH, &error)) {
    g_warning ("cannot export the manager: %s", error->message);
    g_clear_error (&error);
  }
  g_dbus_object_manager_server_set_connection (s->om, connection);
  for (guint i = 0; s->configs && i < s->configs->len; i++) {
    VfdPipelineConfig *cfg = g_ptr_array_index (s->configs, i);
    if (!entry_new (s, cfg, TRUE, &error)) {
      g_warning ("%s: %s", cfg->origin, error->message);
      g_clear_error (&error);
    }
  }
}

gboolean
vfd_service_reload (VfdService * s, GError ** error)
{
  GPtrArray *configs = vfd_config_load (s->config_file, s->required, s->confd,
      error);
  if (!configs || !apply_metrics (s, vfd_config_metrics (), error)
      || !vfd_rtsp_serve (vfd_config_rtsp (), error)) {
    g_log_structured ("vfilterd", G_LOG_LEVEL_WARNING, "MESSAGE",
        "reload refused, the running configuration stays: %s",
        (*error)->message);
    if (configs)
      g_ptr_array_unref (configs);
    return FALSE;
  }
  /* pipelines from the old file that are gone or changed */
  for (guint i = s->entries->len; i-- > 0;) {
    Entry *e = g_ptr_array_index (s->entries, i);
    const VfdPipelineConfig *cur = vfd_pipeline_get_config (e->p);
    gboolean keep = !e->from_config;
    for (guint j = 0; !keep && j < configs->len; j++)
      keep = vfd_pipeline_config_equal (cur, g_ptr_array_index (configs, j));
    if (!keep)
      entry_remove (s, e);
  }
  /* new or changed ones */
  for (guint j = 0; j < configs->len; j++) {
    VfdPipelineConfig *cfg = g_ptr_array_index (configs, j);
    Entry *e = find_entry (s, cfg->name);
    GError *err = NULL;
    if (e && !e->from_config) {
      g_warning ("%s: pipeline '%s' was created over D-Bus; keeping it",
          cfg->origin, cfg->name);
      continue;
    }
    if (!e && !entry_new (s, cfg, TRUE, &err)) {
      g_warning ("%s: %s", cfg->origin, err->message);
      g_clear_error (&err);
    }
  }
  if (s->configs)
    g_ptr_array_unref (s->configs);
  s->configs = configs;
  g_log_structured ("vfilterd", G_LOG_LEVEL_MESSAGE, "MESSAGE",
      "configuration reloaded: %u pipelines", s->entries->len);
  return TRUE;
}

/* SIGTERM: pipelines get this long to stop (EOS), then this long to be
 * down, then the daemon exits anyway. */
#define SHUTDOWN_WAIT_S 2

typedef struct
{
  VfdService *s;
  GSourceFunc done;
  gpointer data;
  guint polls;
} Shutdown;

static gboolean
shutdown_poll (gpointer data)
{
  Shutdown *sd = data;
  gboolean all_down = TRUE;
  for (guint i = 0; i < sd->s->entries->len; i++) {
    Entry *e = g_ptr_array_index (sd->s->entries, i);
    const VfdPipelineState st = vfd_pipeline_get_state (e->p);
    /* a pipeline still starting has no frames to finish: the deadline of
     * vfd_pipeline_wait_freed () is for it */
    if (st == VFD_PIPELINE_PLAYING || st == VFD_PIPELINE_PAUSED
        || st == VFD_PIPELINE_STOPPING)
      all_down = FALSE;
  }
  if (all_down || ++sd->polls > SHUTDOWN_WAIT_S * 10) {
    sd->done (sd->data);
    g_free (sd);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

void
vfd_service_shutdown (VfdService * s, GSourceFunc done, gpointer data)
{
  Shutdown *sd = g_new0 (Shutdown, 1);
  sd->s = s;
  sd->done = done;
  sd->data = data;
  for (guint i = 0; i < s->entries->len; i++)
    vfd_pipeline_stop (((Entry *) g_ptr_array_index (s->entries, i))->p);
  g_timeout_add (100, shutdown_poll, sd);
}

gboolean
vfd_service_free (VfdService * s)
{
  gchar **left;
  gboolean clean = TRUE;

  if (!s)
    return TRUE;
  vfd_metrics_free (s->metrics);
  /* every pipeline goes down on its own worker; a sink blocked for good
   * (a FIFO nobody reads) must not keep the daemon from exiting */
  while (s->entries->len)
    entry_remove_full (s, g_ptr_array_index (s->entries,
            s->entries->len - 1), FALSE);
  g_ptr_array_unref (s->entries);
  left = vfd_pipeline_wait_freed (g_get_monotonic_time () +
      SHUTDOWN_WAIT_S * G_TIME_SPAN_SECOND);
  for (guint i = 0; left && left[i]; i++) {
    g_log_structured ("vfilterd", G_LOG_LEVEL_MESSAGE, "PIPELINE", left[i],
        "MESSAGE", "pipeline '%s' did not stop within %d s: abandoned",
        left[i], SHUTDOWN_WAIT_S);
    clean = FALSE;
  }
  g_strfreev (left);
  if (s->configs)
    g_ptr_array_unref (s->configs);
  if (s->conn)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (s->manager));
  g_clear_object (&s->om);
  g_clear_object (&s->conn);
  g_object_unref (s->manager);
  vfd_devices_free (s->devices);
  g_free (s->config_file);
  g_free (s->confd);
  g_free (s);
  return clean;
}
