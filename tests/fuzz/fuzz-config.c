/* Fuzz target: the configuration parser (any bytes as a file).
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fuzz-common.h"
#include "vfd-config.h"

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GPtrArray *p;
  GError *error = NULL;

  fuzz_init ();
  p = g_ptr_array_new_with_free_func ((GDestroyNotify)
      vfd_pipeline_config_free);
  if (!vfd_config_parse ((const gchar *) data, size, "fuzz.conf", p, &error)) {
    /* every refusal says where and is valid UTF-8 */
    g_assert (error && g_str_has_prefix (error->message, "fuzz.conf"));
    g_assert (g_utf8_validate (error->message, -1, NULL));
    g_error_free (error);
  }
  g_ptr_array_unref (p);
  return 0;
}
