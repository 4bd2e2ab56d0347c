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

/* Worker threads the filters' own pools may hold across the daemon: a
 * filter with n-threads = N > 1 keeps N - 1 (N = 0, the default, shares
 * the process's pool: one worker per CPU for every pipeline together).
 * A configuration, a pipeline, a filter or a Set beyond it is refused. */
#define VFD_MAX_OWN_THREADS 64

/* The workers of the own pool of a filter with n-threads = n. */
guint vfd_filter_threads_for (guint n);
/* ... of element e (0 for an element without n-threads). */
guint vfd_filter_own_threads (GstElement * e);
/* ... summed over a parsed description. */
guint vfd_filters_own_threads (GPtrArray * elements);

/* A filter name usable in a D-Bus object path. */
gboolean vfd_name_valid (const gchar * name);

G_END_DECLS
#endif
