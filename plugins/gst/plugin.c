/* The vfilter plugin: registration only.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vfelements.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  ret |= GST_ELEMENT_REGISTER (vfboxblur, plugin);
  ret |= GST_ELEMENT_REGISTER (vfgaussianblur, plugin);
  ret |= GST_ELEMENT_REGISTER (vfconvolve, plugin);
  ret |= GST_ELEMENT_REGISTER (vfmedian, plugin);
  ret |= GST_ELEMENT_REGISTER (vfbilateral, plugin);
  ret |= GST_ELEMENT_REGISTER (vftemporal, plugin);
  ret |= GST_ELEMENT_REGISTER (vfnlmeans, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, vfilter,
    "Exact, fast video filters: box, Gaussian, median, bilateral, any kernel, "
    "temporal and non-local means denoising",
    plugin_init, PACKAGE_VERSION, "LGPL", "vfilterd",
    "https://example.org/vfilterd")
