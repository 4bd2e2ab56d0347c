/* Several sinks behind one tee: sink=a;b;c, AddSink, RemoveSink.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The pipeline's sink is always this bin: tee (allow-not-linked) and, per
 * sink, a queue of its own and the sink's bin (vfd_sink_new).  A branch
 * joins while the pipeline plays (linked, then brought to the bin's state;
 * the tee hands it the sticky events before its first buffer) and leaves
 * the same way: its tee pad is unlinked from an IDLE probe, between two
 * buffers, and the branch goes to NULL on a thread of its own, since a
 * sink may block in that state change (a FIFO nobody reads). */
#include <string.h>

#include "vfd-metrics.h"
#include "vfd-policy.h"
#include "vfd-rtsp.h"
#include "vfd-sinks.h"
#include "vfd-uri.h"

#define BRANCHES "vfd-branches"

typedef struct
{
  gchar *uri;
  GstElement *queue, *sink;
  GstPad *tee_pad;
} Branch;

static void
branch_free (gpointer data)
{
  Branch *b = data;
  g_free (b->uri);
  if (b->tee_pad)
    gst_object_unref (b->tee_pad);
  g_free (b);
}

gchar **
vfd_sinks_split (const gchar * list)
{
  GPtrArray *out = g_ptr_array_new ();
  GString *cur = g_string_new (NULL);
  const gchar *c;

  for (c = list ? list : "";; c++) {
    if (*c == '\\' && c[1] == ';') {
      g_string_append_c (cur, ';');
      c++;
    } else if (*c == ';' || *c == '\0') {
      gchar *uri = g_strstrip (g_string_free (cur, FALSE));
      if (*uri)
        g_ptr_array_add (out, uri);
      else
        g_free (uri);
      if (*c == '\0')
        break;
      cur = g_string_new (NULL);
    } else {
      g_string_append_c (cur, *c);
    }
  }
  g_ptr_array_add (out, NULL);
  return (gchar **) g_ptr_array_free (out, FALSE);
}

gchar *
vfd_sinks_join (const gchar * const *uris)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; uris[i]; i++) {
    gchar **parts = g_strsplit (uris[i], ";", -1);
    gchar *escaped = g_strjoinv ("\\;", parts);
    if (i)
      g_string_append_c (s, ';');
    g_string_append (s, escaped);
    g_free (escaped);
    g_strfreev (parts);
  }
  return g_string_free (s, FALSE);
}

gboolean
vfd_sinks_check (const gchar * list, const VfdPipelineConfig * pc,
    gboolean from_dbus, GError ** error)
{
  gchar **uris = vfd_sinks_split (list);
  gboolean ok = TRUE;

  if (!uris[0]) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "sink is empty "
        "(expected one URI or several separated by ';')");
    ok = FALSE;
  }
  for (guint i = 0; ok && uris[i]; i++) {
    ok = vfd_policy_check_uri (uris[i], from_dbus, error)
        && vfd_sink_check (uris[i], pc, error);
    if (ok && from_dbus && g_str_equal (uris[i], "rtsp-server:")
        && !vfd_rtsp_address ()) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "sink 'rtsp-server:' "
          "needs the RTSP server: [server] rtsp=ADDRESS:PORT in the "
          "configuration");
      ok = FALSE;
    }
    for (guint j = 0; ok && j < i; j++)
      if (g_str_equal (uris[i], uris[j])) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "sink '%s' is "
            "listed twice", uris[i]);
        ok = FALSE;
      }
  }
  g_strfreev (uris);
  return ok;
}

static GPtrArray *
branches (GstElement * sinks)
{
  return g_object_get_data (G_OBJECT (sinks), BRANCHES);
}

static Branch *
find (GstElement * sinks, const gchar * uri)
{
  GPtrArray *a = branches (sinks);
  for (guint i = 0; i < a->len; i++) {
    Branch *b = g_ptr_array_index (a, i);
    if (g_str_equal (b->uri, uri))
      return b;
  }
  return NULL;
}

/* The branch's elements, in the bin, linked from a new tee pad. */
static gboolean
attach (GstElement * sinks, const gchar * uri, const VfdPipelineConfig * pc,
    GError ** error)
{
  static guint serial;
  GstElement *tee = gst_bin_get_by_name (GST_BIN (sinks), "tee");
  GstElement *sink = vfd_sink_new (uri, pc, error);
  Branch *b;
  gchar *name;
  GstPad *pad;

  if (!sink) {
    gst_object_unref (tee);
    return FALSE;
  }
  b = g_new0 (Branch, 1);
  b->uri = g_strdup (uri);
  b->sink = sink;
  b->queue = gst_element_factory_make ("queue", NULL);
  name = g_strdup_printf ("sink%u", g_atomic_int_add (&serial, 1));
  gst_object_set_name (GST_OBJECT (sink), name);
  g_free (name);
  gst_bin_add_many (GST_BIN (sinks), b->queue, sink, NULL);
  gst_element_link (b->queue, sink);
  gst_element_sync_state_with_parent (sink);
  gst_element_sync_state_with_parent (b->queue);
  b->tee_pad = gst_element_request_pad_simple (tee, "src_%u");
  pad = gst_element_get_static_pad (b->queue, "sink");
  gst_pad_link (b->tee_pad, pad);
  gst_object_unref (pad);
  gst_object_unref (tee);
  g_ptr_array_add (branches (sinks), b);
  return TRUE;
}

GstElement *
vfd_sinks_new (const gchar * list, const VfdPipelineConfig * pc,
    GError ** error)
{
  gchar **uris = vfd_sinks_split (list);
  GstElement *bin, *tee;
  GstPad *pad;

  if (!uris[0]) {
    g_strfreev (uris);
    return vfd_sink_new ("", pc, error);        /* its message */
  }
  bin = gst_bin_new ("sink");
  tee = gst_element_factory_make ("tee", "tee");
  g_object_set (tee, "allow-not-linked", TRUE, NULL);
  gst_bin_add (GST_BIN (bin), tee);
  g_object_set_data_full (G_OBJECT (bin), BRANCHES,
      g_ptr_array_new_with_free_func (branch_free),
      (GDestroyNotify) g_ptr_array_unref);
  pad = gst_element_get_static_pad (tee, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", pad));
  gst_object_unref (pad);
  for (guint i = 0; uris[i]; i++)
    if (!attach (bin, uris[i], pc, error)) {
      gst_object_unref (gst_object_ref_sink (bin));
      bin = NULL;
      break;
    }
  g_strfreev (uris);
  return bin;
}

gboolean
vfd_sinks_add (GstElement * sinks, const gchar * uri,
    const VfdPipelineConfig * pc, GError ** error)
{
  if (find (sinks, uri)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "sink '%s' is there "
        "already", uri);
    return FALSE;
  }
  return attach (sinks, uri, pc, error);
}

typedef struct
{
  GstElement *sinks;
  Branch *branch;
} Leaving;

static gpointer
take_down (gpointer data)
{
  Leaving *l = data;
  Branch *b = l->branch;
  GstElement *tee = gst_bin_get_by_name (GST_BIN (l->sinks), "tee");

  gst_element_set_state (b->sink, GST_STATE_NULL);
  gst_element_set_state (b->queue, GST_STATE_NULL);
  gst_bin_remove_many (GST_BIN (l->sinks), b->queue, b->sink, NULL);
  gst_element_release_request_pad (tee, b->tee_pad);
  gst_object_unref (tee);
  gst_object_unref (l->sinks);
  branch_free (b);
  g_free (l);
  return NULL;
}

static GstPadProbeReturn
unlink_idle (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Leaving *l = data;
  GstPad *peer = gst_pad_get_peer (pad);

  if (peer) {
    gst_pad_unlink (pad, peer);
    gst_object_unref (peer);
  }
  g_thread_unref (g_thread_new ("vfd-sink-down", take_down, l));
  return GST_PAD_PROBE_REMOVE;
}

gboolean
vfd_sinks_remove (GstElement * sinks, const gchar * uri, GError ** error)
{
  Branch *b = find (sinks, uri);
  Leaving *l;

  if (!b) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_NOT_FOUND, "sink '%s' is not "
        "one of this pipeline's", uri);
    return FALSE;
  }
  if (branches (sinks)->len == 1) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "sink '%s' is the "
        "pipeline's only sink (SetSink replaces it)", uri);
    return FALSE;
  }
  {
    guint i;
    g_ptr_array_find (branches (sinks), b, &i);
    g_ptr_array_steal_index (branches (sinks), i);      /* order kept */
  }
  l = g_new0 (Leaving, 1);
  l->sinks = gst_object_ref (sinks);
  l->branch = b;
  gst_pad_add_probe (b->tee_pad, GST_PAD_PROBE_TYPE_IDLE, unlink_idle, l, NULL);
  return TRUE;
}

void
vfd_sinks_renew_retried (GstElement * sinks, const VfdPipelineConfig * pc,
    VfdSinksSwapFunc swap, gpointer data)
{
  GPtrArray *a = branches (sinks);
  for (guint i = 0; a && i < a->len; i++) {
    Branch *b = g_ptr_array_index (a, i);
    GstElement *fresh;
    if (!g_object_get_data (G_OBJECT (b->sink), "vfd-retry")
        || !(fresh = vfd_sink_new (b->uri, pc, NULL)))
      continue;
    gst_object_set_name (GST_OBJECT (fresh), GST_OBJECT_NAME (b->sink));
    gst_object_ref_sink (fresh);
    swap (b->sink, fresh, b->queue, data);
    b->sink = fresh;            /* the bin's, once in place */
  }
}

void
vfd_sinks_foreach_encoder (GstElement * sinks, VfdTimingFunc func,
    gpointer data)
{
  GPtrArray *a = branches (sinks);
  for (guint i = 0; a && i < a->len; i++) {
    Branch *b = g_ptr_array_index (a, i);
    VfdTiming *t = g_object_get_data (G_OBJECT (b->sink), VFD_ENCODER_TIMING);
    if (t)
      func (b->uri, t, data);
  }
}

gchar **
vfd_sinks_list (GstElement * sinks)
{
  GPtrArray *a = branches (sinks);
  gchar **out = g_new0 (gchar *, a->len + 1);
  for (guint i = 0; i < a->len; i++)
    out[i] = g_strdup (((Branch *) g_ptr_array_index (a, i))->uri);
  return out;
}
