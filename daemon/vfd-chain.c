/* Relinking the filter chain of a running pipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vfd-chain.h"

typedef struct
{
  GstElement *pipeline;         /* may outlive the VfdPipeline */
  GstElement *head, *tail;
  GPtrArray *chain;             /* elements to link, in order (refs) */
  GPtrArray *removed;           /* elements to take out of the bin (refs) */
} Relink;

static void
relink_free (Relink * r)
{
  gst_object_unref (r->pipeline);
  gst_object_unref (r->head);
  gst_object_unref (r->tail);
  g_ptr_array_unref (r->chain);
  g_ptr_array_unref (r->removed);
  g_free (r);
}

static gboolean
drop_removed_cb (gpointer data)
{
  GPtrArray *removed = data;
  for (guint i = 0; i < removed->len; i++)
    gst_element_set_state (g_ptr_array_index (removed, i), GST_STATE_NULL);
  return G_SOURCE_REMOVE;
}

/* Runs with the chain empty of data (IDLE probe, or not streaming). */
static void
relink_now (Relink * r)
{
  GstElement *e = r->head;
  GstBin *bin = GST_BIN (r->pipeline);

  /* take the current chain apart */
  for (;;) {
    GstPad *src = gst_element_get_static_pad (e, "src");
    GstPad *peer = gst_pad_get_peer (src);
    GstElement *next = peer ? gst_pad_get_parent_element (peer) : NULL;
    if (peer) {
      gst_pad_unlink (src, peer);
      gst_object_unref (peer);
    }
    gst_object_unref (src);
    if (!next)
      break;
    gst_object_unref (next);
    if (next == r->tail)
      break;
    e = next;
  }
  for (guint i = 0; i < r->removed->len; i++) {
    GstElement *x = g_ptr_array_index (r->removed, i);
    if (GST_OBJECT_PARENT (x) == GST_OBJECT (bin)) {
      gst_element_set_locked_state (x, TRUE);
      gst_bin_remove (bin, x);
    }
  }
  /* and build the new one */
  e = r->head;
  for (guint i = 0; i < r->chain->len; i++) {
    GstElement *x = g_ptr_array_index (r->chain, i);
    if (!GST_OBJECT_PARENT (x))
      gst_bin_add (bin, x);     /* takes its own reference */
    gst_element_link (e, x);
    gst_element_sync_state_with_parent (x);
    e = x;
  }
  gst_element_link (e, r->tail);
  if (r->removed->len)
    g_idle_add_full (G_PRIORITY_DEFAULT, drop_removed_cb,
        g_ptr_array_ref (r->removed), (GDestroyNotify) g_ptr_array_unref);
}

static GstPadProbeReturn
relink_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  relink_now (data);
  return GST_PAD_PROBE_REMOVE;
}

void
vfd_chain_relink (GstElement * pipeline, GstElement * head, GstElement * tail,
    GPtrArray * chain, GPtrArray * removed)
{
  Relink *r = g_new0 (Relink, 1);
  GstState state;
  GstPad *pad;

  r->pipeline = gst_object_ref (pipeline);
  r->head = gst_object_ref (head);
  r->tail = gst_object_ref (tail);
  r->chain = g_ptr_array_ref (chain);
  r->removed = g_ptr_array_ref (removed);

  gst_element_get_state (pipeline, &state, NULL, 0);
  pad = gst_element_get_static_pad (head, "src");
  if (state >= GST_STATE_PAUSED)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_IDLE, relink_probe, r,
        (GDestroyNotify) relink_free);
  else {
    relink_now (r);
    relink_free (r);
  }
  gst_object_unref (pad);
}
