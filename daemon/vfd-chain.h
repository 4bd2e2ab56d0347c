/* The filter chain of a pipeline, relinked live.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_CHAIN_H
#define VFD_CHAIN_H

#include <gst/gst.h>

G_BEGIN_DECLS typedef struct _VfdChain VfdChain;

/* The chain between `head` and `tail` of `pipeline`, now `elements` (in
 * the bin and linked already; may be empty). */
VfdChain *vfd_chain_new (GstElement * pipeline, GstElement * head,
    GstElement * tail, GPtrArray * elements);
void vfd_chain_free (VfdChain * chain);

/* Makes the chain head ! elements... ! tail (call it from the thread that
 * made the chain).  One owner applies edits, one at a time and never two
 * at once: at once when the pipeline does not stream, else just before
 * the next buffer leaves head (or, when none comes within 200 ms, while
 * head is idle): no buffer is in the chain then, nothing is lost and the
 * stream goes on; edits made while one is pending are merged, the latest
 * wins.  An element that leaves the
 * chain is unlinked, set to NULL and taken out of the bin before anything
 * else happens to it, so it can come back at any time. */
void vfd_chain_set (VfdChain * chain, GPtrArray * elements);

G_END_DECLS
#endif
