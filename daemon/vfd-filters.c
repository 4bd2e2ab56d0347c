/* Filter chains given as gst-launch descriptions.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "vfd-filters.h"
#include "vfd-policy.h"
#include "vfd-uri.h"
#include "vfexpected.h"

#define MAX_NAME 64
#define MAX_TEXT (64 << 10)

gboolean
vfd_name_valid (const gchar * name)
{
  gsize n = 0;
  if (!name || !*name)
    return FALSE;
  for (const gchar * p = name; *p; p++, n++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return n <= MAX_NAME;
}

/* ---- parsing ------------------------------------------------------------- */

/* Checked before GStreamer's parser sees the text: a bounded length, and
 * the plain subset of gst-launch a chain of named filters needs —
 *   chain   := element ('!' element)*
 *   element := NAME (KEY '=' VALUE)*
 *   VALUE   := "quoted, \\-escapes" | 'quoted' | [A-Za-z0-9_.+,;/-]+
 * with every key once per element.  GStreamer's parser is slow on deep
 * nesting (seconds for a few KB of '(' on the main loop) and asserts on
 * some malformed input (a caps name starting with a digit, a property
 * given twice: found by fuzzing); none of that reaches it. */
static gboolean
is_word (gchar c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-';
}

static gboolean
is_value (gchar c)
{
  return c && (g_ascii_isalnum (c) || strchr ("_.+,;/-", c));
}

/* GStreamer's deserialiser reads "-3" for an unsigned property as
 * 4294967293, which the element then refuses under that number: a negative
 * number for an unsigned property of `factory` is refused here, as typed
 * (Filter.Set's words). */
static gboolean
sign_ok (GstElementFactory * factory, const gchar * key, const gchar * value,
    gsize n, GError ** error)
{
  GType type = factory ? gst_element_factory_get_element_type (factory) : 0;
  GObjectClass *klass;
  GParamSpec *pspec;
  gboolean ok = TRUE;

  if (!type || n == 0 || value[0] != '-')
    return TRUE;
  klass = g_type_class_ref (type);
  pspec = g_object_class_find_property (klass, key);
  if (pspec && (G_IS_PARAM_SPEC_UINT (pspec) || G_IS_PARAM_SPEC_UINT64 (pspec)
          || G_IS_PARAM_SPEC_ULONG (pspec) || G_IS_PARAM_SPEC_UCHAR (pspec))) {
    gchar *want = vf_expected_range (pspec);
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "property '%s' of "
        "%s: '%.*s' is not valid (expected %s)", key,
        GST_OBJECT_NAME (factory), (int) MIN (n, 40), value,
        want ? want : "a number >= 0");
    g_free (want);
    ok = FALSE;
  }
  g_type_class_unref (klass);
  return ok;
}

static gboolean
shape_ok (const gchar * desc, GError ** error)
{
  const gsize len = strlen (desc);
  GstElementFactory *current = NULL;    /* the filter being read */
  GHashTable *keys = NULL;
  gboolean ok = TRUE, want_name = TRUE;
  gsize i = 0;

  if (len > MAX_TEXT) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "the description is "
        "%" G_GSIZE_FORMAT " bytes long (at most %d expected)", len, MAX_TEXT);
    return FALSE;
  }
  keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while (ok && i < len) {
    gsize start, word;
    if (g_ascii_isspace (desc[i])) {
      i++;
      continue;
    }
    if (desc[i] == '!' && !want_name) {
      want_name = TRUE;
      g_hash_table_remove_all (keys);
      i++;
      continue;
    }
    start = i;
    while (is_word (desc[i]))
      i++;
    word = i;
    if (word == start || !g_ascii_isalpha (desc[start])) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%c' at offset %"
          G_GSIZE_FORMAT " (expected a chain of filters such as 'vfboxblur "
          "name=a ! vfmedian name=b'%s)", g_ascii_isprint (desc[start]) ?
          desc[start] : '?', start, strchr ("(){}", desc[start]) ?
          "; bins are not filters" : "");
      ok = FALSE;
      break;
    }
    while (desc[i] == ' ' || desc[i] == '\t')
      i++;
    if (desc[i] != '=') {
      gchar *name = g_strndup (desc + start, word - start);
      GstElementFactory *factory = want_name ?
          gst_element_factory_find (name) : NULL;
      if (!want_name) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%.*s' at offset %"
            G_GSIZE_FORMAT " (expected key=value, or '!' before the next "
            "filter)", (int) MIN (word - start, 40), desc + start, start);
        ok = FALSE;
      } else if (!factory) {
        /* GStreamer's parser would give the next properties to the filter
         * before (asserting on a second name=) */
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
            "no element \"%.40s\"", name);
        ok = FALSE;
      }
      if (factory) {
        g_clear_object (&current);
        current = factory;
      }
      g_free (name);
      i = word;
      want_name = FALSE;
      continue;
    }
    if (want_name) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%.*s=' at offset %"
          G_GSIZE_FORMAT " (expected a filter's name before its properties)",
          (int) MIN (word - start, 40), desc + start, start);
      ok = FALSE;
      break;
    }
    gchar *key = g_strdelimit (g_strndup (desc + start, word - start), "_",
        '-');
    {
      if (g_hash_table_contains (keys, key)) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "property '%s' is "
            "given twice to one filter (expected it once)", key);
        g_free (key);
        ok = FALSE;
        break;
      }
      g_hash_table_add (keys, key);     /* keeps key until the next filter */
    }
    i++;                        /* '=' */
    while (desc[i] == ' ' || desc[i] == '\t')
      i++;
    if (desc[i] == '"' || desc[i] == '\'') {
      const gchar quote = desc[i++];
      while (i < len && desc[i] != quote)
        i += desc[i] == '\\' && i + 1 < len ? 2 : 1;
      if (i >= len) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "a %c quote is not "
            "closed (expected name=value pairs such as kernel=\"1 2 1\")",
            quote);
        ok = FALSE;
        break;
      }
      i++;
    } else {
      const gsize v = i;
      while (is_value (desc[i]))
        i++;
      if (i == v) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "no value after "
            "'%.*s=' at offset %" G_GSIZE_FORMAT " (expected a number, a "
            "word or a quoted text)", (int) MIN (word - start, 40),
            desc + start, start);
        ok = FALSE;
        break;
      }
      if (!sign_ok (current, key, desc + v, i - v, error)) {
        ok = FALSE;
        break;
      }
    }
    if (desc[i] == '!' && !strchr ("\"'", desc[i - 1])) {
      /* GStreamer reads name=a!vfmedian as one value: the filters would
       * silently become one */
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'!' right after a "
          "value at offset %" G_GSIZE_FORMAT " (expected a space before it, "
          "as in 'name=a ! vfmedian')", i);
      ok = FALSE;
    } else if (i < len && !g_ascii_isspace (desc[i]) && desc[i] != '!') {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "'%c' at offset %"
          G_GSIZE_FORMAT " (expected a space or '!' after a value; quote "
          "values with other characters)", g_ascii_isprint (desc[i]) ?
          desc[i] : '?', i);
      ok = FALSE;
    }
  }
  if (ok && want_name && len) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "the chain ends with "
        "'!' (expected a filter after it)");
    ok = FALSE;
  }
  g_hash_table_unref (keys);
  g_clear_object (&current);
  return ok;
}

/* What a vfilter element refused while the parser set its properties
 * (its "take-refusals" action signal), or NULL. */
static gchar *
take_refusals (GstElement * e)
{
  gchar *msg = NULL;
  if (g_signal_lookup ("take-refusals", G_OBJECT_TYPE (e)))
    g_signal_emit_by_name (e, "take-refusals", &msg);
  return msg;
}

static GstPad *
only_pad (GstElement * e, GstPadDirection dir, guint * count)
{
  GstIterator *it = dir == GST_PAD_SINK ? gst_element_iterate_sink_pads (e) :
      gst_element_iterate_src_pads (e);
  GValue v = G_VALUE_INIT;
  GstPad *pad = NULL;
  *count = 0;
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    if (!pad)
      pad = g_value_dup_object (&v);
    (*count)++;
    g_value_unset (&v);
  }
  gst_iterator_free (it);
  return pad;
}

/* Was `name` given explicitly?  The parser names the others factory+N. */
static gboolean
named_explicitly (const gchar * desc, GstElement * e)
{
  /* the name is user text: a regular expression only once escaped */
  gchar *name = g_regex_escape_string (GST_OBJECT_NAME (e), -1);
  gchar *pattern = g_strdup_printf ("(^|[\\s!])name\\s*=\\s*\"?%s\"?(\\s|!|$)",
      name);
  gboolean ok = g_regex_match_simple (pattern, desc, 0, 0);
  g_free (pattern);
  g_free (name);
  return ok;
}

GPtrArray *
vfd_filters_parse (const gchar * desc, GError ** error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (gst_object_unref);
  GstElement *bin = NULL, *first = NULL;
  GError *perror = NULL;
  GList *l;
  guint n_children;

  {
    gchar *t = g_strstrip (g_strdup (desc ? desc : ""));
    gboolean empty = *t == '\0';
    g_free (t);
    if (empty)
      return out;
  }
  if (!shape_ok (desc, error))
    goto fail;

  bin = gst_parse_bin_from_description_full (desc, FALSE, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &perror);
  if (!bin) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s",
        perror ? perror->message : "does not parse");
    g_clear_error (&perror);
    goto fail;
  }
  gst_object_ref_sink (bin);

  n_children = GST_BIN_NUMCHILDREN (bin);
  if (n_children > VFD_MAX_FILTERS) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "%u filters, at most %d expected", n_children, VFD_MAX_FILTERS);
    goto fail;
  }
  /* every element: one sink pad, one src pad, named explicitly */
  for (l = GST_BIN_CHILDREN (bin); l; l = l->next) {
    GstElement *e = l->data;
    guint nsink, nsrc;
    GstPad *sink = only_pad (e, GST_PAD_SINK, &nsink);
    GstPad *src = only_pad (e, GST_PAD_SRC, &nsrc);
    const gchar *factory = gst_plugin_feature_get_name
        (GST_PLUGIN_FEATURE (gst_element_get_factory (e)));
    gboolean linked_in = sink && gst_pad_is_linked (sink);
    gchar *refused = take_refusals (e);

    if (sink)
      gst_object_unref (sink);
    if (src)
      gst_object_unref (src);
    if (refused) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s", refused);
      g_free (refused);
      goto fail;
    }
    if (!vfd_policy_check_filter (e, error))
      goto fail;
    if (nsink != 1 || nsrc != 1) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "'%s' is not a filter (expected one video input and one output)",
          factory);
      goto fail;
    }
    if (!named_explicitly (desc, e)) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "filter '%s' has no name= (every filter needs one, e.g. '%s "
          "name=f1')", factory, factory);
      goto fail;
    }
    if (!vfd_name_valid (GST_OBJECT_NAME (e))) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "filter name '%s' may only contain letters, digits and '_' "
          "(at most %d)", GST_OBJECT_NAME (e), MAX_NAME);
      goto fail;
    }
    if (!linked_in) {
      if (first) {
        g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
            "filters must form one chain linked with '!' ('%s' and '%s' "
            "are not linked)", GST_OBJECT_NAME (first), GST_OBJECT_NAME (e));
        goto fail;
      }
      first = e;
    }
  }

  /* walk the chain from its head */
  for (GstElement * e = first; e;) {
    guint n;
    GstPad *src = only_pad (e, GST_PAD_SRC, &n);
    GstPad *peer = gst_pad_get_peer (src);
    GstElement *next = peer ? gst_pad_get_parent_element (peer) : NULL;
    g_ptr_array_add (out, gst_object_ref (e));
    if (peer) {
      gst_pad_unlink (src, peer);
      gst_object_unref (peer);
    }
    gst_object_unref (src);
    if (next)
      gst_object_unref (next);  /* still owned by the bin */
    e = next;
  }
  for (guint i = 0; i < out->len; i++)
    gst_bin_remove (GST_BIN (bin), g_ptr_array_index (out, i));
  gst_object_unref (bin);
  return out;

fail:
  if (bin)
    gst_object_unref (bin);
  g_ptr_array_unref (out);
  return NULL;
}

guint
vfd_filter_threads_for (guint n)
{
  return n > 1 ? n - 1 : 0;
}

guint
vfd_filter_own_threads (GstElement * e)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (e),
      "n-threads");
  guint n = 0;
  if (pspec && G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_UINT)
    g_object_get (e, "n-threads", &n, NULL);
  return vfd_filter_threads_for (n);
}

guint
vfd_filters_own_threads (GPtrArray * elements)
{
  guint n = 0;
  for (guint i = 0; i < elements->len; i++)
    n += vfd_filter_own_threads (g_ptr_array_index (elements, i));
  return n;
}
