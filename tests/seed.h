/* The seed's worked 7x7 example (seeds: definitions): an image I and its
 * correlation IM with the kernel [1 0 1; 0 1 0; 1 0 1], border valid.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VF_TEST_SEED_H
#define VF_TEST_SEED_H

#include <stdint.h>

static const uint8_t seed_I[49] = {
  0, 1, 1, 1, 0, 0, 0,
  0, 0, 1, 1, 1, 0, 0,
  0, 0, 0, 1, 1, 1, 0,
  0, 0, 0, 1, 1, 0, 0,
  0, 0, 1, 1, 0, 0, 0,
  0, 1, 1, 0, 0, 0, 0,
  1, 1, 0, 0, 0, 0, 0,
};

static const uint8_t seed_IM[25] = {
  1, 4, 3, 4, 1,
  1, 2, 4, 3, 3,
  1, 2, 3, 4, 1,
  1, 3, 3, 1, 1,
  3, 3, 1, 1, 0,
};

#endif
