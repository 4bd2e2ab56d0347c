/* The D-Bus face of the daemon: the Filter objects.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One object per filter of a pipeline, under the pipeline's path; Set
 * applies a whole set of properties or none (vfd-props.c). */
#include "vfd-props.h"
#include "vfd-service-private.h"
#include "vfd-uri.h"

/* ---- filters -------------------------------------------------------------- */

static gboolean
handle_filter_set (VfdDBusFilter * iface, GDBusMethodInvocation * inv,
    GVariant * props, gpointer data)
{
  FilterEntry *fe = data;
  GError *error = NULL;
  if (!vfd_pipeline_set_filter_properties (fe->e->p, fe->f, props, &error))
    vfd_service_return_error (inv, error);
  else
    vfd_dbus_filter_complete_set (iface, inv);
  return TRUE;
}

static void
filter_enabled_changed (GObject * obj, GParamSpec * pspec, gpointer data)
{
  FilterEntry *fe = data;
  gboolean enabled = vfd_dbus_filter_get_enabled (fe->iface);
  GError *error = NULL;
  if (fe->syncing || enabled == fe->f->enabled)
    return;
  if (!vfd_pipeline_set_filter_enabled (fe->e->p, fe->f, enabled, &error)) {
    g_warning ("%s", error->message);
    g_error_free (error);
  }
}

void
filter_sync (FilterEntry * fe)
{
  fe->syncing = TRUE;
  vfd_dbus_filter_set_enabled (fe->iface, fe->f->enabled);
  vfd_dbus_filter_set_properties (fe->iface, vfd_filter_get_properties (fe->f));
  fe->syncing = FALSE;
}

void
filter_sync_timing (FilterEntry * fe)
{
  gint64 frames;
  gdouble seconds;

  if (!fe)
    return;
  vfd_timing_read (fe->f->timing, &frames, &seconds);
  vfd_dbus_filter_set_frames_filtered (fe->iface, frames);
  vfd_dbus_filter_set_seconds (fe->iface, seconds);
}

static FilterEntry *
filter_export (Entry * e, VfdFilter * f)
{
  FilterEntry *fe = g_new0 (FilterEntry, 1);
  fe->e = e;
  fe->f = f;
  fe->path = g_strdup_printf ("%s/filter/%s", e->path, f->name);
  fe->obj = vfd_dbus_object_skeleton_new (fe->path);
  fe->iface = vfd_dbus_filter_skeleton_new ();
  vfd_dbus_filter_set_name (fe->iface, f->name);
  vfd_dbus_filter_set_element (fe->iface,
      GST_OBJECT_NAME (gst_element_get_factory (f->element)));
  filter_sync (fe);
  filter_sync_timing (fe);
  g_signal_connect (fe->iface, "handle-set", G_CALLBACK (handle_filter_set),
      fe);
  g_signal_connect (fe->iface, "notify::enabled",
      G_CALLBACK (filter_enabled_changed), fe);
  vfd_dbus_object_skeleton_set_filter (fe->obj, fe->iface);
  if (e->s->om)
    g_dbus_object_manager_server_export (e->s->om,
        G_DBUS_OBJECT_SKELETON (fe->obj));
  f->user_data = fe;
  return fe;
}

void
filter_unexport (FilterEntry * fe)
{
  if (fe->e->s->om)
    g_dbus_object_manager_server_unexport (fe->e->s->om, fe->path);
  g_signal_handlers_disconnect_by_data (fe->iface, fe);
  fe->f->user_data = NULL;
  g_object_unref (fe->iface);
  g_object_unref (fe->obj);
  g_free (fe->path);
  g_free (fe);
}

void
sync_filters (Entry * e)
{
  GPtrArray *filters = vfd_pipeline_get_filters (e->p);
  GPtrArray *paths = g_ptr_array_new ();
  for (guint i = 0; i < filters->len; i++) {
    VfdFilter *f = g_ptr_array_index (filters, i);
    FilterEntry *fe = f->user_data ? f->user_data : filter_export (e, f);
    g_ptr_array_add (paths, fe->path);
  }
  g_ptr_array_add (paths, NULL);
  vfd_dbus_pipeline_set_filters (e->iface,
      (const gchar * const *) paths->pdata);
  g_ptr_array_unref (paths);
}

FilterEntry *
lookup_filter (Entry * e, const gchar * path, GError ** error)
{
  GPtrArray *filters = vfd_pipeline_get_filters (e->p);
  for (guint i = 0; i < filters->len; i++) {
    VfdFilter *f = g_ptr_array_index (filters, i);
    FilterEntry *fe = f->user_data;
    if (fe && g_str_equal (fe->path, path))
      return fe;
  }
  g_set_error (error, VFD_ERROR, VFD_ERROR_NOT_FOUND,
      "pipeline '%s' has no filter '%s'", vfd_pipeline_get_name (e->p), path);
  return NULL;
}
