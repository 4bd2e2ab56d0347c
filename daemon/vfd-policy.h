/* What callers may ask the daemon for: the [daemon] group of the
 * configuration (SPEC §2), with defaults per bus.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_POLICY_H
#define VFD_POLICY_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct {
  gchar **file_dirs;            /* file:// only below these; NULL: anywhere */
  gboolean dbus_gst;            /* gst: descriptions over D-Bus */
  gchar **filters;              /* factory-name patterns of allowed filters */
} VfdPolicy;

/* The defaults: on the system bus file:// only below the unit's
 * StateDirectory, no gst: over D-Bus; on the session bus (one user's own
 * processes) anywhere and allowed.  Filters: vf* on both. */
void vfd_policy_reset (gboolean system_bus);
/* The defaults again, for the bus given last (a reload starts there). */
void vfd_policy_defaults (void);
/* A copy of the rules in effect, and putting it back (freeing it): a
 * configuration that fails to load leaves the rules as they were. */
VfdPolicy *vfd_policy_save (void);
void vfd_policy_restore (VfdPolicy * saved);
/* Applies the [daemon] keys of a configuration over the defaults. */
void vfd_policy_set (const VfdPolicy * p);
void vfd_policy_clear (VfdPolicy * p);
/* Reads the [daemon] group ("file-dirs", "dbus-gst", "filters") of
 * `kf` into `p` (left as is for absent keys); FALSE + error naming the
 * key and what was expected. */
gboolean vfd_policy_from_key_file (GKeyFile * kf, VfdPolicy * p,
    const gchar * where, GError ** error);

/* A source or sink URI the policy allows (from_dbus: asked over D-Bus). */
gboolean vfd_policy_check_uri (const gchar * uri, gboolean from_dbus,
    GError ** error);
/* A parsed filter the policy allows: a video filter (its element class)
 * whose factory matches the allow list. */
gboolean vfd_policy_check_filter (GstElement * e, GError ** error);
/* A v4l2 device path: a character device of the video4linux class, looked
 * at without following a symbolic link and without opening it for I/O. */
gboolean vfd_policy_check_v4l2 (const gchar * path, GError ** error);

G_END_DECLS
#endif
