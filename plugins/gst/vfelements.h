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
#define VF_TYPE_TEMPORAL (vf_temporal_get_type ())
G_DECLARE_FINAL_TYPE (VfTemporal, vf_temporal, VF, TEMPORAL, VfFilter)
#define VF_TYPE_NLMEANS (vf_nlmeans_get_type ())
G_DECLARE_FINAL_TYPE (VfNlmeans, vf_nlmeans, VF, NLMEANS, VfFilter)
GST_ELEMENT_REGISTER_DECLARE (vfbilateral);
GST_ELEMENT_REGISTER_DECLARE (vfnlmeans);
GST_ELEMENT_REGISTER_DECLARE (vftemporal);
GST_ELEMENT_REGISTER_DECLARE (vfboxblur);
GST_ELEMENT_REGISTER_DECLARE (vfmedian);
GST_ELEMENT_REGISTER_DECLARE (vfgaussianblur);
GST_ELEMENT_REGISTER_DECLARE (vfconvolve);

/* The type of an element: its instance struct, GType, registration and
 * debug category; the element then writes only class_init. */
#define VF_DEFINE_ELEMENT(TypeName, type_name, TYPE, factory, description) \
  struct _##TypeName { VfFilter parent; }; \
  GST_DEBUG_CATEGORY_STATIC (type_name##_debug); \
  G_DEFINE_TYPE_WITH_CODE (TypeName, type_name, VF_TYPE_FILTER, \
      GST_DEBUG_CATEGORY_INIT (type_name##_debug, #factory, 0, \
          "vfilter " description)); \
  GST_ELEMENT_REGISTER_DEFINE (factory, #factory, GST_RANK_NONE, TYPE); \
  static void type_name##_init (TypeName * self) { }

/* Its class_init: everything is in the element's VfElementInfo. */
#define VF_ELEMENT_CLASS_INIT(TypeName, type_name, info) \
  static void \
  type_name##_class_init (TypeName##Class * klass) \
  { \
    vf_filter_class_setup (VF_FILTER_CLASS (klass), &(info)); \
  }

G_END_DECLS
#endif
