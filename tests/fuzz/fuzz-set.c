/* Fuzz target: Filter.Set's value conversion: any serialized a{sv} against
 * a vfilter element, as the daemon converts and checks it.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fuzz-common.h"
#include "vfd-props.h"

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  static GstElement *e[2];
  GVariant *v, *dict;
  GError *error = NULL;
  gchar *applied = NULL;

  fuzz_init ();
  if (!e[0]) {
    e[0] = gst_object_ref_sink (gst_element_factory_make ("vfgaussianblur",
            NULL));
    e[1] = gst_object_ref_sink (gst_element_factory_make ("vfbilateral", NULL));
    g_assert (e[0] && e[1]);
  }
  v = g_variant_new_from_data (G_VARIANT_TYPE ("a{sv}"), g_memdup2 (data,
          size), size, FALSE, g_free, NULL);
  dict = g_variant_ref_sink (g_variant_get_normal_form (v));
  if (vfd_props_set (e[size % 2], "f", dict, &applied, &error))
    g_assert (applied != NULL || g_variant_n_children (dict) == 0);
  else
    g_assert (error && g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);
  g_free (applied);
  g_variant_unref (dict);
  g_variant_unref (v);
  return 0;
}
