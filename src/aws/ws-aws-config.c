/* ws-aws-config.c — placeholder until implemented */
#include <glib.h>
