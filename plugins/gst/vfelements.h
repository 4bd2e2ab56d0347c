/* The vfilter elements.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VF_ELEMENTS_H
#define VF_ELEMENTS_H

#include "vffilter.h"

G_BEGIN_DECLS

#define VF_TYPE_BOX_BLUR (vf_box_blur_get_type ())
G_DECLARE_FINAL_TYPE (VfBoxBlur, vf_box_blur, VF, BOX_BLUR, VfFilter)
#define VF_TYPE_GAUSSIAN_BLUR (vf_gaussian_blur_get_type ())
G_DECLARE_FINAL_TYPE (VfGaussianBlur, vf_gaussian_blur, VF, GAUSSIAN_BLUR,
    VfFilter)
#define VF_TYPE_CONVOLVE (vf_convolve_get_type ())
G_DECLARE_FINAL_TYPE (VfConvolve, vf_convolve, VF, CONVOLVE, VfFilter)

#define VF_TYPE_MEDIAN (vf_median_get_type ())
G_DECLARE_FINAL_TYPE (VfMedian, vf_median, VF, MEDIAN, VfFilter)

#define VF_TYPE_BILATERAL (vf_bilateral_get_type ())
G_DECLARE_FINAL_TYPE (VfBilateral, vf_bilateral, VF, BILATERAL, VfFilter)

GST_ELEMENT_REGISTER_DECLARE (vfbilateral);
GST_ELEMENT_REGISTER_DECLARE (vfboxblur);
GST_ELEMENT_REGISTER_DECLARE (vfmedian);
GST_ELEMENT_REGISTER_DECLARE (vfgaussianblur);
GST_ELEMENT_REGISTER_DECLARE (vfconvolve);

G_END_DECLS

#endif
