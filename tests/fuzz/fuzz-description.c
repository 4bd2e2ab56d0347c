/* Fuzz target: filter chain descriptions (config filters=, AddFilter).
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fuzz-common.h"
#include "vfd-filters.h"

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  gchar *desc;
  GPtrArray *f;
  GError *error = NULL;

  fuzz_init ();
  desc = fuzz_string (data, size);
  f = vfd_filters_parse (desc, &error);
  if (f)
    g_ptr_array_unref (f);
  else
    g_assert (error != NULL);
  g_clear_error (&error);
  g_free (desc);
  return 0;
}
