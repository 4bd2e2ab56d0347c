/* vfilterd: runs filter pipelines and exposes them on D-Bus.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <glib-unix.h>
#include <gst/gst.h>
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

#include "vfd-build-config.h"
#include "vfd-policy.h"
#include "vfd-service.h"

static GMainLoop *loop;
static VfdService *service;
static gint exit_status = 0;
static gboolean quitting;

static gboolean
on_sighup (gpointer data)
{
  GError *error = NULL;
  if (!vfd_service_reload (service, &error))
    g_clear_error (&error);     /* logged by the service */
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_now (gpointer data)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_term (gpointer data)
{
  if (!quitting) {
    quitting = TRUE;
    g_message ("stopping");
    vfd_service_shutdown (service, quit_now, NULL);
  }
  return G_SOURCE_CONTINUE;
}

static void
on_bus_acquired (GDBusConnection * connection, const gchar * name,
    gpointer data)
{
  vfd_service_export (service, connection);
}

static void
on_name_acquired (GDBusConnection * connection, const gchar * name,
    gpointer data)
{
  g_message ("vfilterd %s ready on the %s bus as %s", VERSION,
      GPOINTER_TO_INT (data) ? "system" : "session", name);
}

static void
on_name_lost (GDBusConnection * connection, const gchar * name, gpointer data)
{
  if (!connection)
    g_printerr ("vfilterd: cannot connect to the D-Bus bus\n");
  else
    g_printerr ("vfilterd: the name %s is owned by another process (use "
        "--replace to take it over)\n", name);
  exit_status = 1;
  g_main_loop_quit (loop);
}

int
main (int argc, char **argv)
{
  gboolean clean;
  gchar *config = NULL;
  gboolean session = FALSE, system_bus = FALSE, replace = FALSE;
  gboolean verbose = FALSE;
  gchar *instance = NULL, *bus_name;
  GOptionEntry entries[] = {
    {"instance", 'i', 0, G_OPTION_ARG_STRING, &instance,
        "Run as instance NAME: bus name " VFD_BUS_NAME ".NAME", "NAME"},
    {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
        "Configuration file (default: the system or user one)", "FILE"},
    {"session", 0, 0, G_OPTION_ARG_NONE, &session,
        "Use the session bus (default for a user)", NULL},
    {"system", 0, 0, G_OPTION_ARG_NONE, &system_bus,
        "Use the system bus (default for root)", NULL},
    {"replace", 'r', 0, G_OPTION_ARG_NONE, &replace,
        "Replace a running vfilterd", NULL},
    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
        "Log debug messages", NULL},
    {NULL}
  };
  GOptionContext *ctx;
  GError *error = NULL;
  gchar *confd = NULL;
  gboolean required;
  guint owner;

  setlocale (LC_ALL, "");
  ctx = g_option_context_new ("- run video filter pipelines");
  g_option_context_set_summary (ctx, "Runs the pipelines of the "
      "configuration and exposes them as " VFD_BUS_NAME " on D-Bus.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("vfilterd: %s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (session && system_bus) {
    g_printerr ("vfilterd: --session and --system exclude each other\n");
    return 2;
  }
  if (!session && !system_bus)
    system_bus = getuid () == 0;
  if (instance && !vfd_instance_valid (instance)) {
    g_printerr ("vfilterd: instance name '%s' must start with a letter or "
        "'_' and contain only letters, digits and '_' (at most 64)\n",
        instance);
    return 2;
  }
  bus_name = instance ? g_strdup_printf (VFD_BUS_NAME ".%s", instance) :
      g_strdup (VFD_BUS_NAME);
  if (verbose)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);

  gst_init (NULL, NULL);
  /* an install outside the default prefix still finds its plugin */
  gst_registry_scan_path (gst_registry_get (), PLUGINDIR);

  required = config != NULL;
  if (!config) {
    if (system_bus) {
      config = g_build_filename (SYSCONFDIR, "vfilterd", "vfilterd.conf", NULL);
      confd = g_build_filename (SYSCONFDIR, "vfilterd", "conf.d", NULL);
    } else {
      config = g_build_filename (g_get_user_config_dir (), "vfilterd",
          "vfilterd.conf", NULL);
      confd = g_build_filename (g_get_user_config_dir (), "vfilterd",
          "conf.d", NULL);
    }
  }

  vfd_policy_reset (system_bus);
  service = vfd_service_new (config, confd, required);
  if (!vfd_service_load (service, &error)) {
    g_printerr ("vfilterd: %s\n", error->message);
    return 1;
  }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGHUP, on_sighup, NULL);
  g_unix_signal_add (SIGTERM, on_term, NULL);
  g_unix_signal_add (SIGINT, on_term, NULL);
  owner = g_bus_own_name (system_bus ? G_BUS_TYPE_SYSTEM : G_BUS_TYPE_SESSION,
      bus_name, G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT |
      (replace ? G_BUS_NAME_OWNER_FLAGS_REPLACE : 0), on_bus_acquired,
      on_name_acquired, on_name_lost, GINT_TO_POINTER (system_bus), NULL);
  g_main_loop_run (loop);
  g_bus_unown_name (owner);
  clean = vfd_service_free (service);
  g_main_loop_unref (loop);
  g_free (config);
  g_free (confd);
  g_free (bus_name);
  g_free (instance);
  /* with a pipeline abandoned, its threads are still inside GStreamer */
  if (clean)
    gst_deinit ();
  return exit_status;
}
