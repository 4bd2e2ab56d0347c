/* Relinking the filter chain of a running pipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_CHAIN_H
#define VFD_CHAIN_H

#include <gst/gst.h>

G_BEGIN_DECLS

/* Links head ! chain... ! tail in `pipeline` (chain: the elements in
 * order; those not in the bin yet are added), taking out of the bin the
 * elements of `removed` (set to NULL afterwards); in an IDLE probe on
 * head's src pad when the pipeline streams (no buffer is in the chain
 * then: nothing lost, the stream continues), else at once. */
void vfd_chain_relink (GstElement * pipeline, GstElement * head,
    GstElement * tail, GPtrArray * chain, GPtrArray * removed);

G_END_DECLS
#endif
