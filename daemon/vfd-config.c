/* The configuration file.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GKeyFile reads the values; a light scan of the same text finds the line
 * of every group and key (GKeyFile does not keep them) and catches what
 * GKeyFile silently merges: duplicate groups and keys. */
#include <string.h>

#include "vfd-config.h"
#include "vfd-encoder.h"
#include "vfd-filters.h"
#include "vfd-metrics.h"
#include "vfd-outlet.h"
#include "vfd-policy.h"
#include "vfd-sinks.h"
#include "vfd-uri.h"

#define KEYS "source, caps, filters, sink, standby, encoder, loop"

/* The string keys of a [pipeline NAME] group (and of CreatePipeline's
 * dictionary) in one place: reading, copying, comparing and freeing a
 * configuration walk this table; `loop` is the one boolean. */
static const struct
{
  const gchar *key;
  goffset offset;
} string_keys[] = {
  {"source", G_STRUCT_OFFSET (VfdPipelineConfig, source)},
  {"caps", G_STRUCT_OFFSET (VfdPipelineConfig, caps)},
  {"filters", G_STRUCT_OFFSET (VfdPipelineConfig, filters)},
  {"sink", G_STRUCT_OFFSET (VfdPipelineConfig, sink)},
  {"standby", G_STRUCT_OFFSET (VfdPipelineConfig, standby)},
  {"encoder", G_STRUCT_OFFSET (VfdPipelineConfig, encoder)},
};

#define SLOT(pc, i) ((gchar **) G_STRUCT_MEMBER_P (pc, string_keys[i].offset))

/* key=value into pc, the value stripped.  FALSE: a loop that is not a
 * boolean (the error says so) or, error left unset, an unknown key. */
static gboolean
set_key (VfdPipelineConfig * pc, const gchar * key, const gchar * value,
    GError ** error)
{
  for (guint i = 0; i < G_N_ELEMENTS (string_keys); i++)
    if (g_str_equal (key, string_keys[i].key)) {
      g_free (*SLOT (pc, i));
      *SLOT (pc, i) = g_strstrip (g_strdup (value));
      return TRUE;
    }
  if (!g_str_equal (key, "loop"))
    return FALSE;
  if (!g_str_equal (value, "true") && !g_str_equal (value, "false")) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "loop '%s' is not a "
        "boolean (expected true or false)", value);
    return FALSE;
  }
  pc->loop = g_str_equal (value, "true");
  return TRUE;
}

void
vfd_pipeline_config_free (VfdPipelineConfig * pc)
{
  if (!pc)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (string_keys); i++)
    g_free (*SLOT (pc, i));
  g_free (pc->name);
  g_free (pc->origin);
  g_free (pc);
}

VfdPipelineConfig *
vfd_pipeline_config_copy (const VfdPipelineConfig * pc)
{
  VfdPipelineConfig *c = g_memdup2 (pc, sizeof *pc);
  for (guint i = 0; i < G_N_ELEMENTS (string_keys); i++)
    *SLOT (c, i) = g_strdup (*SLOT (pc, i));
  c->name = g_strdup (pc->name);
  c->origin = g_strdup (pc->origin);
  return c;
}

gboolean
vfd_pipeline_config_equal (const VfdPipelineConfig * a,
    const VfdPipelineConfig * b)
{
  for (guint i = 0; i < G_N_ELEMENTS (string_keys); i++)
    if (g_strcmp0 (*SLOT (a, i), *SLOT (b, i)) != 0)
      return FALSE;
  return g_strcmp0 (a->name, b->name) == 0 && a->loop == b->loop;
}

/* The file as text: no NUL byte, valid UTF-8 (GKeyFile's rules, reported
 * with the line). */
static gboolean
text_ok (const gchar * data, gsize length, const gchar * filename,
    GError ** error)
{
  const gchar *end = NULL, *nul = memchr (data, '\0', length);
  gint line = 1;

  if (!nul && g_utf8_validate (data, length, &end))
    return TRUE;
  if (nul && (!end || nul < end))
    end = nul;
  for (const gchar * p = data; p < end; p++)
    line += *p == '\n';
  if (end == nul)
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s:%d: a NUL byte "
        "(expected text)", filename, line);
  else
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s:%d: byte 0x%02x is "
        "not UTF-8 (expected UTF-8 text)", filename, line, (guint8) * end);
  return FALSE;
}

/* `; comment` lines, which INI files allow and GKeyFile does not, as
 * `# comment` (same length: line numbers stay). */
static gchar *
semicolon_comments (const gchar * data, gsize length)
{
  gchar *copy = g_strndup (data, length);
  gboolean line_start = TRUE;
  for (gchar * p = copy; *p; p++) {
    if (line_start && *p == ';')
      *p = '#';
    if (*p == '\n')
      line_start = TRUE;
    else if (*p != ' ' && *p != '\t')
      line_start = FALSE;
  }
  return copy;
}

/* line numbers: "group" -> line, "group\x1fkey" -> line */
typedef struct
{
  GHashTable *lines;
} LineMap;

static gint
line_of (LineMap * m, const gchar * group, const gchar * key)
{
  gchar *k = key ? g_strdup_printf ("%s\x1f%s", group, key) : g_strdup (group);
  gint line = GPOINTER_TO_INT (g_hash_table_lookup (m->lines, k));
  g_free (k);
  return line;
}

static gboolean
scan_lines (const gchar * data, const gchar * filename, LineMap * m,
    GError ** error)
{
  gchar **lines = g_strsplit (data, "\n", -1);
  gchar *group = NULL;
  gboolean ok = TRUE;

  for (guint i = 0; lines[i] && ok; i++) {
    gchar *t = g_strstrip (lines[i]);
    gint lineno = (gint) i + 1;
    if (*t == '\0' || *t == '#' || *t == ';')
      continue;
    if (*t == '[') {
      gchar *end = strrchr (t, ']');
      if (!end) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s:%d: section "
            "header '%.40s' has no ']' (expected [pipeline NAME])", filename,
            lineno, t);
        ok = FALSE;
        break;
      }
      g_free (group);
      group = g_strndup (t + 1, end - t - 1);
      if (g_hash_table_contains (m->lines, group)) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
            "%s:%d: duplicate section [%s] (first at line %d)", filename,
            lineno, group, GPOINTER_TO_INT (g_hash_table_lookup (m->lines,
                    group)));
        ok = FALSE;
      } else {
        g_hash_table_insert (m->lines, g_strdup (group),
            GINT_TO_POINTER (lineno));
      }
    } else if (!strchr (t, '=')) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s:%d: '%.40s' is "
          "neither key=value, a [section] nor a # comment", filename, lineno,
          t);
      ok = FALSE;
    } else if (!group) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s:%d: '%.40s' comes "
          "before any [pipeline NAME] section", filename, lineno, t);
      ok = FALSE;
    } else {
      gchar *key = g_strstrip (g_strndup (t, strchr (t, '=') - t));
      if (strchr (key, '[')) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s:%d: localized "
            "key '%.40s' (expected a plain key: " KEYS ")", filename, lineno,
            key);
        g_free (key);
        ok = FALSE;
        break;
      }
      gchar *k = g_strdup_printf ("%s\x1f%s", group, key);
      if (g_hash_table_contains (m->lines, k)) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
            "%s:%d: duplicate key '%s' in [%s] (first at line %d)", filename,
            lineno, key, group,
            GPOINTER_TO_INT (g_hash_table_lookup (m->lines, k)));
        ok = FALSE;
        g_free (k);
      } else {
        g_hash_table_insert (m->lines, k, GINT_TO_POINTER (lineno));
      }
      g_free (key);
    }
  }
  g_free (group);
  g_strfreev (lines);
  return ok;
}

/* Validates a pipeline's values; `where(key)` gives the message prefix. */
typedef gchar *(*WhereFunc) (gpointer data, const gchar * key);

static gchar *dbus_where (gpointer data, const gchar * key);

/* ... and adds the workers its filters' own pools hold to *threads. */
static gboolean
validate (VfdPipelineConfig * pc, WhereFunc where, gpointer wdata,
    guint * threads, GError ** error)
{
  GError *e = NULL;
  gchar *w = NULL;
  gboolean ok = FALSE;

  if (!pc->source) {
    w = where (wdata, NULL);
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "%s[pipeline %s] has no source= (e.g. source=test: or "
        "source=v4l2:///dev/video0)", w, pc->name);
    goto out;
  }
  if (!vfd_policy_check_uri (pc->source, where == dbus_where, &e)
      || !vfd_source_check (pc->source, &e)) {
    w = where (wdata, "source");
    goto fail;
  }
  if (pc->encoder && !vfd_encoder_check (pc->encoder, &e)) {
    w = where (wdata, "encoder");
    goto fail;
  }
  if (!vfd_sinks_check (pc->sink, pc, where == dbus_where, &e)) {
    w = where (wdata, "sink");
    goto fail;
  }
  if (pc->standby && (!vfd_policy_check_uri (pc->standby,
              where == dbus_where, &e) || !vfd_standby_check (pc->standby,
              &e))) {
    w = where (wdata, "standby");
    goto fail;
  }
  if (pc->caps && !vfd_caps_check (pc->caps, &e)) {
    w = where (wdata, "caps");
    goto fail;
  }
  {
    GPtrArray *f = vfd_filters_parse (pc->filters, &e);
    if (!f) {
      gchar *msg;
      w = where (wdata, "filters");
      msg = g_strdup_printf ("filters '%s': %s", pc->filters, e->message);
      g_free (e->message);
      e->message = msg;
      goto fail;
    }
    *threads += vfd_filters_own_threads (f);
    g_ptr_array_unref (f);
  }
  ok = TRUE;
  goto out;

fail:
  g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s%s", w, e->message);
  g_clear_error (&e);
out:
  g_free (w);
  return ok;
}

typedef struct
{
  const gchar *filename;
  LineMap *map;
  const gchar *group;
} FileWhere;

static gchar *
file_where (gpointer data, const gchar * key)
{
  FileWhere *fw = data;
  gint line = key ? line_of (fw->map, fw->group, key) : 0;
  if (!line)
    line = line_of (fw->map, fw->group, NULL);
  return g_strdup_printf ("%s:%d: ", fw->filename, line);
}

/* ---- [server] -------------------------------------------------------------- */

/* of the last file loaded with [server] */
static gchar *server_metrics, *server_rtsp;

const gchar *
vfd_config_metrics (void)
{
  return server_metrics;
}

const gchar *
vfd_config_rtsp (void)
{
  return server_rtsp;
}

static gboolean
server_group (GKeyFile * kf, LineMap * map, const gchar * filename,
    GError ** error)
{
  gchar **keys = g_key_file_get_keys (kf, "server", NULL, NULL);
  gboolean ok = TRUE;

  for (guint k = 0; ok && keys[k]; k++) {
    gchar *v = g_strstrip (g_key_file_get_value (kf, "server", keys[k],
            NULL));
    GError *e = NULL;
    gchar **slot = g_str_equal (keys[k], "metrics") ? &server_metrics :
        g_str_equal (keys[k], "rtsp") ? &server_rtsp : NULL;
    if (!slot) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s:%d: unknown key "
          "'%s' in [server] (expected metrics, rtsp)", filename, line_of (map,
              "server", keys[k]), keys[k]);
      ok = FALSE;
    } else if (!vfd_address_check (keys[k], v, &e)) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s:%d: %s",
          filename, line_of (map, "server", keys[k]), e->message);
      g_error_free (e);
      ok = FALSE;
    } else {
      g_free (*slot);
      *slot = g_strdup (v);
    }
    g_free (v);
  }
  g_strfreev (keys);
  return ok;
}

gboolean
vfd_config_parse (const gchar * data, gsize length, const gchar * filename,
    GPtrArray * pipelines, GError ** error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *e = NULL;
  LineMap map = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
        NULL)
  };
  gchar **groups = NULL;
  g_autofree gchar *commented = NULL;
  gboolean ok = FALSE;

  /* what GKeyFile would refuse without a line number, with one; the text
   * is read within `length` (it need not end in a NUL: found by fuzzing) */
  if (!text_ok (data, length, filename, error))
    goto out;
  commented = semicolon_comments (data, length);
  if (!scan_lines (commented, filename, &map, error))
    goto out;
  if (!g_key_file_load_from_data (kf, commented, length, G_KEY_FILE_NONE, &e)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s: %s", filename,
        e->message);
    g_error_free (e);
    goto out;
  }

  {
    /* the rules first: the pipelines are checked against them */
    VfdPolicy policy = { 0, };
    gchar *where = g_strdup_printf ("%s:%d", filename, line_of (&map,
            "daemon", NULL));
    gboolean good = vfd_policy_from_key_file (kf, &policy, where, error);
    g_free (where);
    if (good && g_key_file_has_group (kf, "daemon"))
      vfd_policy_set (&policy);
    vfd_policy_clear (&policy);
    if (!good)
      goto out;
  }
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i]; i++) {
    const gchar *g = groups[i];
    gint gline = line_of (&map, g, NULL);
    g_autoptr (VfdPipelineConfig) pc = NULL;
    gchar **keys;
    FileWhere fw = { filename, &map, g };

    if (g_str_equal (g, "daemon"))
      continue;
    if (g_str_equal (g, "server")) {
      if (!server_group (kf, &map, filename, error))
        goto out;
      continue;
    }

    if (!g_str_has_prefix (g, "pipeline ")) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "%s:%d: unknown section [%s] (expected [pipeline NAME], "
          "[daemon] or [server])", filename, gline, g);
      goto out;
    }
    pc = g_new0 (VfdPipelineConfig, 1);
    pc->name = g_strstrip (g_strdup (g + strlen ("pipeline ")));
    pc->origin = g_strdup_printf ("%s:%d", filename, gline);
    if (!vfd_name_valid (pc->name)) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "%s:%d: pipeline name '%s' may only contain letters, digits and "
          "'_' (at most 64)", filename, gline, pc->name);
      goto out;
    }
    for (guint j = 0; j < pipelines->len; j++) {
      VfdPipelineConfig *o = g_ptr_array_index (pipelines, j);
      if (g_str_equal (o->name, pc->name)) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
            "%s:%d: duplicate pipeline '%s' (first at %s)", filename, gline,
            pc->name, o->origin);
        goto out;
      }
    }
    if (pipelines->len >= VFD_MAX_PIPELINES) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "%s:%d: more than %d pipelines", filename, gline, VFD_MAX_PIPELINES);
      goto out;
    }

    keys = g_key_file_get_keys (kf, g, NULL, NULL);
    for (guint k = 0; keys[k]; k++) {
      const gchar *key = keys[k];
      gint kline = line_of (&map, g, key);
      gchar *v = g_key_file_get_value (kf, g, key, NULL);
      v = g_strstrip (v);
      if (!set_key (pc, key, v, &e)) {
        if (e)
          g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s:%d: %s",
              filename, kline, e->message);
        else
          g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s:%d: unknown "
              "key '%s' in [%s] (expected " KEYS ")", filename, kline, key, g);
        g_clear_error (&e);
        g_free (v);
        g_strfreev (keys);
        goto out;
      }
      g_free (v);
    }
    g_strfreev (keys);
    if (!pc->sink)
      pc->sink = g_strdup ("null");
    if (!pc->filters)
      pc->filters = g_strdup ("");
    {
      /* the ceiling holds for the configuration as a whole (all its
       * files: the pipelines before this one count) */
      guint before = 0;
      if (!validate (pc, file_where, &fw, &pc->own_threads, error))
        goto out;
      for (guint j = 0; j < pipelines->len; j++)
        before += ((VfdPipelineConfig *) g_ptr_array_index (pipelines,
                j))->own_threads;
      if (before + pc->own_threads > VFD_MAX_OWN_THREADS) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
            "%s:%d: the n-threads of the filters up to [pipeline %s] would "
            "give them %u worker threads of their own (at most %d; "
            "n-threads=0 shares one pool across every pipeline)", filename,
            line_of (&map, g, "filters"), pc->name, before + pc->own_threads,
            VFD_MAX_OWN_THREADS);
        goto out;
      }
    }
    g_ptr_array_add (pipelines, g_steal_pointer (&pc));
  }
  ok = TRUE;

out:
  g_strfreev (groups);
  g_hash_table_unref (map.lines);
  return ok;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar **) a, *(const gchar **) b);
}

static gboolean
load_file (const gchar * file, GPtrArray * pipelines, GError ** error)
{
  gchar *data;
  gsize len;
  GError *e = NULL;
  gboolean ok;

  if (!g_file_get_contents (file, &data, &len, &e)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s", e->message);
    g_error_free (e);
    return FALSE;
  }
  ok = vfd_config_parse (data, len, file, pipelines, error);
  g_free (data);
  return ok;
}

GPtrArray *
vfd_config_load (const gchar * file, gboolean required, const gchar * confd,
    GError ** error)
{
  GPtrArray *pipelines = g_ptr_array_new_with_free_func ((GDestroyNotify)
      vfd_pipeline_config_free);
  /* a file that fails leaves the rules as they were */
  VfdPolicy *saved = vfd_policy_save ();

  vfd_policy_defaults ();
  g_clear_pointer (&server_metrics, g_free);
  g_clear_pointer (&server_rtsp, g_free);
  if (g_file_test (file, G_FILE_TEST_EXISTS) || required) {
    if (!load_file (file, pipelines, error))
      goto fail;
  }
  if (confd && g_file_test (confd, G_FILE_TEST_IS_DIR)) {
    GDir *dir = g_dir_open (confd, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
    const gchar *n;
    gboolean ok = TRUE;
    while (dir && (n = g_dir_read_name (dir)))
      if (g_str_has_suffix (n, ".conf"))
        g_ptr_array_add (names, g_build_filename (confd, n, NULL));
    if (dir)
      g_dir_close (dir);
    g_ptr_array_sort (names, compare_names);
    for (guint i = 0; i < names->len && ok; i++)
      ok = load_file (g_ptr_array_index (names, i), pipelines, error);
    g_ptr_array_unref (names);
    if (!ok)
      goto fail;
  }
  vfd_policy_clear (saved);
  g_free (saved);
  return pipelines;

fail:
  vfd_policy_restore (saved);
  g_ptr_array_unref (pipelines);
  return NULL;
}

static gchar *
dbus_where (gpointer data, const gchar * key)
{
  return g_strdup ("");
}

VfdPipelineConfig *
vfd_pipeline_config_from_variant (const gchar * name, GVariant * dict,
    GError ** error)
{
  g_autoptr (VfdPipelineConfig) pc = g_new0 (VfdPipelineConfig, 1);
  GVariantIter it;
  const gchar *key, *value;

  if (!vfd_name_valid (name)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "pipeline name '%s' may only contain letters, digits and '_' "
        "(1 to 64)", name);
    return NULL;
  }
  pc->name = g_strdup (name);
  pc->origin = g_strdup_printf ("D-Bus CreatePipeline('%s')", name);
  g_variant_iter_init (&it, dict);
  while (g_variant_iter_next (&it, "{&s&s}", &key, &value))
    if (!set_key (pc, key, value, error)) {
      if (!error || !*error)
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "unknown key '%s' "
            "(expected " KEYS ")", key);
      return NULL;
    }
  if (!pc->sink)
    pc->sink = g_strdup ("null");
  if (!pc->filters)
    pc->filters = g_strdup ("");
  /* (the daemon's filters, running, count there: vfd_pipeline_new) */
  if (!validate (pc, dbus_where, NULL, &pc->own_threads, error))
    return NULL;
  return g_steal_pointer (&pc);
}
