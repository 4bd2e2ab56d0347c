/* "expected ..." text for a property's valid values, for the messages of
 * the elements (vfparams.c) and of the daemon (Filter.Set on any element).
 * Header only: the plugin and the daemon are separate binaries.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VF_EXPECTED_H
#define VF_EXPECTED_H

#include <glib-object.h>

/* "0 to 255", "one of zero, replicate, ...", or NULL for a type without a
 * range (the caller names the type its own way); free with g_free (). */
static inline gchar *
vf_expected_range (GParamSpec * pspec)
{
  if (G_IS_PARAM_SPEC_UINT (pspec))
    return g_strdup_printf ("%u to %u", G_PARAM_SPEC_UINT (pspec)->minimum,
        G_PARAM_SPEC_UINT (pspec)->maximum);
  if (G_IS_PARAM_SPEC_INT (pspec))
    return g_strdup_printf ("%d to %d", G_PARAM_SPEC_INT (pspec)->minimum,
        G_PARAM_SPEC_INT (pspec)->maximum);
  if (G_IS_PARAM_SPEC_DOUBLE (pspec))
    return g_strdup_printf ("%g to %g", G_PARAM_SPEC_DOUBLE (pspec)->minimum,
        G_PARAM_SPEC_DOUBLE (pspec)->maximum);
  if (G_IS_PARAM_SPEC_ENUM (pspec)) {
    GEnumClass *e = G_PARAM_SPEC_ENUM (pspec)->enum_class;
    GString *s = g_string_new ("one of");
    for (guint i = 0; i < e->n_values; i++)
      g_string_append_printf (s, "%s %s", i ? "," : "",
          e->values[i].value_nick);
    return g_string_free (s, FALSE);
  }
  return NULL;
}

#endif /* VF_EXPECTED_H */
