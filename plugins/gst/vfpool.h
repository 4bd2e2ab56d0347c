/* One worker pool for the vfilter elements of a process, shared with
 * GstContext.  Internal to the plugin.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VF_POOL_H
#define VF_POOL_H

#include <gst/gst.h>

#include "vfk.h"

G_BEGIN_DECLS
/* The context type: its structure holds the pool in the field "pool". */
#define VF_POOL_CONTEXT_TYPE "vfilter.worker-pool"
typedef struct _VfSharedPool VfSharedPool;

VfSharedPool *vf_shared_pool_ref (VfSharedPool * pool);
void vf_shared_pool_unref (VfSharedPool * pool);
VfkPool *vf_shared_pool_get (VfSharedPool * pool);

/* The pool a context carries (new reference), or NULL when the context is
 * of another type. */
VfSharedPool *vf_shared_pool_from_context (GstContext * context);

/* The pool for `element` (new reference): asked of the bins above with a
 * need-context message (the GstBin answers from the contexts its children
 * announced), or the process's pool (one worker per CPU, made once),
 * announced with a have-context message. */
VfSharedPool *vf_shared_pool_obtain (GstElement * element);

G_END_DECLS
#endif
