/* What callers may ask the daemon for.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Whoever may call CreatePipeline, SetSource, SetSink or AddFilter could
 * otherwise read and write any file the daemon can (file://, gst:filesink),
 * create files through "filters" that are no video filters, and make the
 * daemon open any path under /dev.  The rules here are checked wherever a
 * value arrives. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vfd-build-config.h"
#include "vfd-policy.h"
#include "vfd-uri.h"

#define V4L2_MAJOR 81           /* the video4linux character devices */

static GMutex lock;
static VfdPolicy current;
static gboolean on_system_bus;
static gboolean initialized;

/* Without vfd_policy_reset (a test, a tool): the session bus's rules. */
static void
ensure_locked (void)
{
  static const gchar *vf[] = { "vf*", NULL };
  if (initialized)
    return;
  initialized = TRUE;
  current.dbus_gst = TRUE;
  current.filters = g_strdupv ((gchar **) vf);
}

void
vfd_policy_clear (VfdPolicy * p)
{
  g_clear_pointer (&p->file_dirs, g_strfreev);
  g_clear_pointer (&p->filters, g_strfreev);
}

VfdPolicy *
vfd_policy_save (void)
{
  VfdPolicy *p = g_new0 (VfdPolicy, 1);
  g_mutex_lock (&lock);
  ensure_locked ();
  p->file_dirs = g_strdupv (current.file_dirs);
  p->dbus_gst = current.dbus_gst;
  p->filters = g_strdupv (current.filters);
  g_mutex_unlock (&lock);
  return p;
}

void
vfd_policy_restore (VfdPolicy * saved)
{
  g_mutex_lock (&lock);
  vfd_policy_clear (&current);
  current = *saved;
  g_mutex_unlock (&lock);
  g_free (saved);
}

void
vfd_policy_defaults (void)
{
  vfd_policy_reset (on_system_bus);
}

void
vfd_policy_reset (gboolean system_bus)
{
  static const gchar *vf[] = { "vf*", NULL };
  g_mutex_lock (&lock);
  initialized = TRUE;
  on_system_bus = system_bus;
  vfd_policy_clear (&current);
  if (system_bus) {
    const gchar *state = g_getenv ("STATE_DIRECTORY");
    gchar *dirs[] = { (gchar *) (state ? state : LOCALSTATEDIR
          "/lib/vfilterd"), NULL
    };
    current.file_dirs = g_strdupv (dirs);
  }
  current.dbus_gst = !system_bus;
  current.filters = g_strdupv ((gchar **) vf);
  g_mutex_unlock (&lock);
}

void
vfd_policy_set (const VfdPolicy * p)
{
  g_mutex_lock (&lock);
  ensure_locked ();
  if (p->file_dirs) {
    g_strfreev (current.file_dirs);
    current.file_dirs = g_strdupv (p->file_dirs);
  }
  current.dbus_gst = p->dbus_gst;
  if (p->filters) {
    g_strfreev (current.filters);
    current.filters = g_strdupv (p->filters);
  }
  g_mutex_unlock (&lock);
}

gboolean
vfd_policy_from_key_file (GKeyFile * kf, VfdPolicy * p, const gchar * where,
    GError ** error)
{
  GError *e = NULL;
  g_mutex_lock (&lock);
  ensure_locked ();
  p->dbus_gst = current.dbus_gst;
  g_mutex_unlock (&lock);
  if (!g_key_file_has_group (kf, "daemon"))
    return TRUE;
  if (g_key_file_has_key (kf, "daemon", "file-dirs", NULL)) {
    p->file_dirs = g_key_file_get_string_list (kf, "daemon", "file-dirs",
        NULL, NULL);
    for (guint i = 0; p->file_dirs && p->file_dirs[i]; i++)
      if (!g_path_is_absolute (g_strstrip (p->file_dirs[i]))) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s: [daemon] "
            "file-dirs: '%s' is not an absolute path", where, p->file_dirs[i]);
        return FALSE;
      }
  }
  if (g_key_file_has_key (kf, "daemon", "dbus-gst", NULL)) {
    p->dbus_gst = g_key_file_get_boolean (kf, "daemon", "dbus-gst", &e);
    if (e) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s: [daemon] "
          "dbus-gst is not a boolean (expected true or false)", where);
      g_error_free (e);
      return FALSE;
    }
  }
  if (g_key_file_has_key (kf, "daemon", "filters", NULL))
    p->filters = g_key_file_get_string_list (kf, "daemon", "filters", NULL,
        NULL);
  {
    gchar **keys = g_key_file_get_keys (kf, "daemon", NULL, NULL);
    for (guint i = 0; keys && keys[i]; i++)
      if (!g_str_equal (keys[i], "file-dirs")
          && !g_str_equal (keys[i], "dbus-gst")
          && !g_str_equal (keys[i], "filters")) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s: unknown key "
            "'%s' in [daemon] (expected file-dirs, dbus-gst, filters)", where,
            keys[i]);
        g_strfreev (keys);
        return FALSE;
      }
    g_strfreev (keys);
  }
  return TRUE;
}

/* Is `path` (absolute) below one of `dirs`, with no '..' to climb out? */
static gboolean
below (const gchar * path, gchar ** dirs)
{
  if (strstr (path, "/../") || g_str_has_suffix (path, "/.."))
    return FALSE;
  for (guint i = 0; dirs[i]; i++) {
    gsize n = strlen (dirs[i]);
    while (n > 1 && dirs[i][n - 1] == '/')
      n--;
    if (strncmp (path, dirs[i], n) == 0 && path[n] == '/')
      return TRUE;
  }
  return FALSE;
}

gboolean
vfd_policy_check_uri (const gchar * uri, gboolean from_dbus, GError ** error)
{
  gboolean ok = TRUE;

  g_mutex_lock (&lock);
  ensure_locked ();
  if (on_system_bus && g_str_has_prefix (uri, "pipewire:")) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%.60s': PipeWire "
        "runs per user: a pipewire: sink needs the user daemon (vfilterd "
        "--session, systemctl --user start vfilterd)", uri);
    ok = FALSE;
  } else if (from_dbus && g_str_has_prefix (uri, "gst:")
      && !current.dbus_gst) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%.60s': gst: "
        "descriptions are allowed in the configuration file only (set "
        "[daemon] dbus-gst=true to allow them over D-Bus)", uri);
    ok = FALSE;
  } else if (g_str_has_prefix (uri, "file:") && current.file_dirs) {
    gchar *host = NULL;
    gchar *path = g_filename_from_uri (uri, &host, NULL);
    if (host) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%.60s': a file "
          "on host '%s' (expected file:///path on this machine)", uri, host);
      ok = FALSE;
    } else if (path && !below (path, current.file_dirs)) {
      gchar *dirs = g_strjoinv (", ", current.file_dirs);
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%.60s' is outside "
          "the directories files may be used in (%s; [daemon] file-dirs)",
          uri, dirs);
      g_free (dirs);
      ok = FALSE;
    }
    g_free (host);
    g_free (path);
  }
  g_mutex_unlock (&lock);
  return ok;
}

gboolean
vfd_policy_check_filter (GstElement * e, GError ** error)
{
  GstElementFactory *f = gst_element_get_factory (e);
  const gchar *name = f ? GST_OBJECT_NAME (f) : "?";
  const gchar *klass = f ? gst_element_factory_get_metadata (f,
      GST_ELEMENT_METADATA_KLASS) : NULL;
  gboolean allowed = FALSE;

  if (!klass || !strstr (klass, "Filter") || !strstr (klass, "Video")) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%s' is not a video "
        "filter (its class is '%s'; expected Filter/.../Video)", name,
        klass ? klass : "?");
    return FALSE;
  }
  g_mutex_lock (&lock);
  ensure_locked ();
  for (guint i = 0; current.filters && current.filters[i]; i++)
    if (g_pattern_match_simple (g_strstrip (current.filters[i]), name))
      allowed = TRUE;
  if (!allowed) {
    gchar *list = g_strjoinv (", ", current.filters);
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "filter '%s' is not "
        "allowed ([daemon] filters: %s)", name, list);
    g_free (list);
  }
  g_mutex_unlock (&lock);
  return allowed;
}

gboolean
vfd_policy_check_v4l2 (const gchar * path, GError ** error)
{
  struct stat st = { 0, };
  int fd = open (path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  gboolean ok;

  if (fd < 0) {
    /* not there (yet): a camera may come later; a link is no device */
    if (errno == ELOOP || errno == ENOTDIR) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%s' is a symbolic "
          "link (expected the video4linux device itself)", path);
      return FALSE;
    }
    return TRUE;
  }
  ok = fstat (fd, &st) == 0 && S_ISCHR (st.st_mode)
      && major (st.st_rdev) == V4L2_MAJOR;
  close (fd);
  if (!ok && S_ISLNK (st.st_mode))
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%s' is a symbolic "
        "link (expected the video4linux device itself)", path);
  else if (!ok)
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%s' is not a "
        "video4linux device (expected a character device of major %d)",
        path, V4L2_MAJOR);
  return ok;
}
