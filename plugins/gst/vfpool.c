/* One worker pool for the vfilter elements of a process.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each element with n-threads=0 (one worker per CPU, the default) filters
 * on a shared pool instead of starting its own: a chain of five filters
 * holds one set of worker threads, not five, and so do thirty pipelines of
 * them in one process (a daemon's thread count does not grow with its
 * pipelines).  The pool travels the way GStreamer shares such resources,
 * as a GstContext: the first element to start asks the bins above
 * (need-context); finding none, it takes the process's pool and announces
 * it (have-context), the bins keep it and hand it to the elements that ask
 * after it — an application may so give a pipeline a pool of its own.
 * Callers serialise on vfk_pool_lock: the frames of several pipelines take
 * turns, each spread over every CPU.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vfpool.h"

struct _VfSharedPool
{
  gint ref;
  VfkPool *pool;
};

G_DEFINE_BOXED_TYPE (VfSharedPool, vf_shared_pool, vf_shared_pool_ref,
    vf_shared_pool_unref);

VfSharedPool *
vf_shared_pool_ref (VfSharedPool * pool)
{
  g_atomic_int_inc (&pool->ref);
  return pool;
}

void
vf_shared_pool_unref (VfSharedPool * pool)
{
  if (pool && g_atomic_int_dec_and_test (&pool->ref)) {
    vfk_pool_free (pool->pool);
    g_free (pool);
  }
}

VfkPool *
vf_shared_pool_get (VfSharedPool * pool)
{
  return pool->pool;
}

VfSharedPool *
vf_shared_pool_from_context (GstContext * context)
{
  VfSharedPool *pool = NULL;

  if (!g_str_equal (gst_context_get_context_type (context),
          VF_POOL_CONTEXT_TYPE))
    return NULL;
  gst_structure_get (gst_context_get_structure (context), "pool",
      vf_shared_pool_get_type (), &pool, NULL);
  return pool;
}

/* The process's pool (a new reference), made on first use and kept for
 * the process's life: its idle workers wait on a condition. */
static VfSharedPool *
process_pool (void)
{
  static VfSharedPool *process;
  G_LOCK_DEFINE_STATIC (process);
  VfSharedPool *pool = NULL;

  G_LOCK (process);
  if (!process) {
    VfkPool *workers = vfk_pool_new (0);
    if (workers) {
      process = g_new0 (VfSharedPool, 1);
      process->ref = 1;         /* the process's own */
      process->pool = workers;
    }
  }
  if (process)
    pool = vf_shared_pool_ref (process);
  G_UNLOCK (process);
  return pool;
}

VfSharedPool *
vf_shared_pool_obtain (GstElement * element)
{
  GstContext *context;
  VfSharedPool *pool;

  /* a bin that has one answers synchronously with set_context */
  gst_element_post_message (element,
      gst_message_new_need_context (GST_OBJECT (element),
          VF_POOL_CONTEXT_TYPE));
  context = gst_element_get_context (element, VF_POOL_CONTEXT_TYPE);
  if (context) {
    pool = vf_shared_pool_from_context (context);
    gst_context_unref (context);
    if (pool)
      return pool;
  }

  pool = process_pool ();
  if (!pool)
    return NULL;
  context = gst_context_new (VF_POOL_CONTEXT_TYPE, TRUE);
  gst_structure_set (gst_context_writable_structure (context), "pool",
      vf_shared_pool_get_type (), pool, NULL);
  gst_element_set_context (element, context);
  GST_DEBUG_OBJECT (element, "announcing the process's worker pool "
      "(%d threads)", vfk_pool_n_threads (pool->pool));
  gst_element_post_message (element,
      gst_message_new_have_context (GST_OBJECT (element), context));
  return pool;
}
