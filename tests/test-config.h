/* What test-config.c and test-config-sinks.c share: a config text parsed
 * as the file t.conf, and the checks on its outcome.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <check.h>
#include <glib.h>

/* the pipelines of TEXT, or NULL and ERROR */
GPtrArray *parse (const gchar * text, GError ** error);
/* TEXT is refused with exactly MESSAGE */
void expect_error (const gchar * text, const gchar * message);
/* the same where the message may go on after PREFIX */
void expect_error_prefix (const gchar * text, const gchar * prefix);
/* TEXT is accepted */
void expect_ok (const gchar * text);
/* the sinks' tests, run in the config suite */
TCase *config_sinks_tcase (void);
