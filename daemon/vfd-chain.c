/* The filter chain of a pipeline, relinked live.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Edits come from the main loop as the whole chain wanted; the chain is
 * rebuilt by whichever thread gets there, under apply_lock, so that two
 * relinks never run at once (they used to: one on the main thread, one in
 * the streaming thread's probe, and the links could form a cycle).  While
 * the stream flows the streaming thread relinks, just before it pushes a
 * buffer out of head; when no buffer comes (paused, stalled source) the
 * main thread does, while head is idle.
 * `current` is what is linked; the links are taken apart from it, not by
 * walking pads. */
#include "vfd-chain.h"

struct _VfdChain
{
  gint ref;                     /* ours, and one per pending probe */
  GstElement *pipeline, *head, *tail;
  GMutex lock;                  /* wanted, probe_pending */
  GPtrArray *wanted;            /* the latest edit not applied, or NULL */
  gboolean probe_pending;
  GMutex apply_lock;            /* one relink at a time; current */
  GPtrArray *current;           /* what is linked now (refs) */
  GThread *main_thread;         /* where edits come from */
  guint fallback;               /* main loop timeout, or 0 */
};

/* How long an edit waits for a buffer before it is applied on an idle
 * head instead. */
#define FALLBACK_MS 200

static VfdChain *
chain_ref (VfdChain * c)
{
  g_atomic_int_inc (&c->ref);
  return c;
}

static void
chain_unref (VfdChain * c)
{
  if (!g_atomic_int_dec_and_test (&c->ref))
    return;
  gst_object_unref (c->pipeline);
  gst_object_unref (c->head);
  gst_object_unref (c->tail);
  if (c->wanted)
    g_ptr_array_unref (c->wanted);
  g_ptr_array_unref (c->current);
  g_mutex_clear (&c->lock);
  g_mutex_clear (&c->apply_lock);
  g_free (c);
}

static GPtrArray *
copy_elements (GPtrArray * elements)
{
  GPtrArray *a = g_ptr_array_new_with_free_func (gst_object_unref);
  for (guint i = 0; i < elements->len; i++)
    g_ptr_array_add (a, gst_object_ref (g_ptr_array_index (elements, i)));
  return a;
}

VfdChain *
vfd_chain_new (GstElement * pipeline, GstElement * head, GstElement * tail,
    GPtrArray * elements)
{
  VfdChain *c = g_new0 (VfdChain, 1);
  c->ref = 1;
  c->pipeline = gst_object_ref (pipeline);
  c->head = gst_object_ref (head);
  c->tail = gst_object_ref (tail);
  g_mutex_init (&c->lock);
  g_mutex_init (&c->apply_lock);
  c->current = copy_elements (elements);
  c->main_thread = g_thread_self ();
  return c;
}

void
vfd_chain_free (VfdChain * c)
{
  if (!c)
    return;
  if (c->fallback)
    g_source_remove (c->fallback);
  chain_unref (c);
}

static void
unlink_all (GstElement * head, GPtrArray * elements, GstElement * tail)
{
  GstElement *e = head;
  for (guint i = 0; i <= elements->len; i++) {
    GstElement *next = i < elements->len ?
        g_ptr_array_index (elements, i) : tail;
    gst_element_unlink (e, next);
    e = next;
  }
}

/* Runs with the chain empty of data (IDLE probe, or not streaming), under
 * apply_lock. */
static void
relink (VfdChain * c, GPtrArray * wanted)
{
  GstBin *bin = GST_BIN (c->pipeline);
  GstElement *e = c->head;

  unlink_all (c->head, c->current, c->tail);
  /* what leaves is stopped and out of the bin before it can come back */
  for (guint i = 0; i < c->current->len; i++) {
    GstElement *x = g_ptr_array_index (c->current, i);
    guint at;
    if (g_ptr_array_find (wanted, x, &at))
      continue;
    gst_element_set_state (x, GST_STATE_NULL);
    if (GST_OBJECT_PARENT (x) == GST_OBJECT (bin))
      gst_bin_remove (bin, x);
  }
  for (guint i = 0; i < wanted->len; i++) {
    GstElement *x = g_ptr_array_index (wanted, i);
    gboolean added = !GST_OBJECT_PARENT (x);
    if (added)
      gst_bin_add (bin, x);     /* takes its own reference */
    gst_element_link (e, x);
    if (added)
      gst_element_sync_state_with_parent (x);
    e = x;
  }
  gst_element_link (e, c->tail);
  g_ptr_array_unref (c->current);
  c->current = g_ptr_array_ref (wanted);
}

/* Applies edits until none is left. */
static void
apply (VfdChain * c)
{
  g_mutex_lock (&c->apply_lock);
  for (;;) {
    GPtrArray *wanted;
    g_mutex_lock (&c->lock);
    wanted = c->wanted;
    c->wanted = NULL;
    g_mutex_unlock (&c->lock);
    if (!wanted)
      break;
    relink (c, wanted);
    g_ptr_array_unref (wanted);
  }
  g_mutex_unlock (&c->apply_lock);
}

/* The streaming thread, about to push a buffer out of head: nothing of the
 * stream is inside the chain or half pushed, and GStreamer sends the
 * sticky events (stream-start, caps, segment) to the new peers in order
 * right after this probe. */
static GstPadProbeReturn
buffer_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  VfdChain *c = data;
  g_mutex_lock (&c->lock);
  c->probe_pending = FALSE;
  g_mutex_unlock (&c->lock);
  apply (c);
  return GST_PAD_PROBE_REMOVE;
}

/* Only when called at once by gst_pad_add_probe on the main thread: head
 * is idle and its streaming thread blocked until this returns.  Called
 * later by the streaming thread it does nothing: that call comes at the
 * end of any push, also from the middle of a run of sticky events, which a
 * relink there leaves half sent (the caps marked received for the old
 * peer, the new one getting a segment first); the buffer probe does it. */
static GstPadProbeReturn
idle_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  VfdChain *c = data;
  if (g_thread_self () == c->main_thread)
    apply (c);
  return GST_PAD_PROBE_REMOVE;
}

/* No buffer has come to apply the edit (a paused or stalled source):
 * apply it now if head is idle. */
static gboolean
fallback_cb (gpointer data)
{
  VfdChain *c = data;
  gboolean waiting;
  c->fallback = 0;
  g_mutex_lock (&c->lock);
  waiting = c->wanted != NULL;
  g_mutex_unlock (&c->lock);
  if (waiting) {
    GstPad *pad = gst_element_get_static_pad (c->head, "src");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_IDLE, idle_probe,
        chain_ref (c), (GDestroyNotify) chain_unref);
    gst_object_unref (pad);
  }
  return G_SOURCE_REMOVE;
}

void
vfd_chain_set (VfdChain * c, GPtrArray * elements)
{
  GstState state;
  gboolean add_probe = FALSE;

  g_mutex_lock (&c->lock);
  if (c->wanted)
    g_ptr_array_unref (c->wanted);
  c->wanted = copy_elements (elements);
  g_mutex_unlock (&c->lock);

  gst_element_get_state (c->pipeline, &state, NULL, 0);
  if (state < GST_STATE_PAUSED) {
    apply (c);
    return;
  }
  g_mutex_lock (&c->lock);
  if (!c->probe_pending)
    add_probe = c->probe_pending = TRUE;
  g_mutex_unlock (&c->lock);
  if (add_probe) {
    GstPad *pad = gst_element_get_static_pad (c->head, "src");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BLOCK |
        GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
        buffer_probe, chain_ref (c), (GDestroyNotify) chain_unref);
    gst_object_unref (pad);
  }
  if (!c->fallback)
    c->fallback = g_timeout_add_full (G_PRIORITY_DEFAULT, FALLBACK_MS,
        fallback_cb, chain_ref (c), (GDestroyNotify) chain_unref);
}
