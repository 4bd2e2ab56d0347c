/* Filter properties over D-Bus: GVariant <-> GValue on GLib's converters,
 * enums by nick, the element's own validation before anything is set.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_PROPS_H
#define VFD_PROPS_H

#include <gst/gst.h>

G_BEGIN_DECLS

/* a{sv} of the element's own readable properties (enums as their nick). */
GVariant *vfd_props_get (GstElement * element);

/* Sets the a{sv} `props` on the element of filter `filter` in one
 * g_object_setv (one frame boundary), after checking every name, type and
 * range and, for a vfilter element, the whole set with its "check" action.
 * Nothing changes on error.  `applied` (may be NULL) gets the assignments
 * as text, for the log. */
gboolean vfd_props_set (GstElement * element, const gchar * filter,
    GVariant * props, gchar ** applied, GError ** error);

/* The value `props` gives the guint property `name` (converted as
 * vfd_props_set would): TRUE with *found FALSE when props does not name
 * it; FALSE + error when the value is invalid. */
gboolean vfd_props_lookup_uint (GstElement * element, const gchar * filter,
    GVariant * props, const gchar * name, gboolean * found, guint * value,
    GError ** error);

G_END_DECLS
#endif
