/* ws-aws-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-aws-error.h"

G_DEFINE_QUARK (ws-aws-error-quark, ws_aws_error)
