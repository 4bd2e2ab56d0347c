/* Warnings that persist are logged once, then as a summary.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_RATELIMIT_H
#define VFD_RATELIMIT_H

#include <glib.h>

G_BEGIN_DECLS

/* Seconds between two lines of one condition. */
#define VFD_RATELIMIT_INTERVAL_S 30

/* Logs `message` as a warning of `pipeline` (may be NULL) the first time
 * `key` is seen, then at most once per VFD_RATELIMIT_INTERVAL_S seconds,
 * saying how many times it came in between. */
void vfd_warn_limited (const gchar * pipeline, const gchar * key,
    const gchar * message);

G_END_DECLS
#endif
