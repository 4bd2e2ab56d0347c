/* Filter chains given as gst-launch descriptions.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_FILTERS_H
#define VFD_FILTERS_H

#include <gst/gst.h>

G_BEGIN_DECLS

/* Parses "a name=x k=v ! b name=y" with GStreamer's own parser into its
 * elements, in order (a GPtrArray of GstElement, owned).  Every element
 * must be a one-in one-out filter with an explicit name= made of letters,
 * digits and '_', unique in the chain.  Values a vfilter element refuses
 * (it warns and keeps its default) are errors here: the element's
 * "take-refusals" action signal says which.  An empty description is
 * an empty chain. */
GPtrArray *vfd_filters_parse (const gchar * desc, GError ** error);

/* Filters in one pipeline, through every path (config, AddFilter). */
#define VFD_MAX_FILTERS 64

/* A filter name usable in a D-Bus object path. */
gboolean vfd_name_valid (const gchar * name);

G_END_DECLS
#endif
